"""Children's voice: the youth space, the participation council, consultations."""
