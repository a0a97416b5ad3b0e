"""Safe staff: the staff register, background checks, the code of conduct, training."""
