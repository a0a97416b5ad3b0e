"""Where children live: stays in family houses (measures and admissions build on them)."""
