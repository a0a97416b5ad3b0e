"""The placements app's views: one module per part (the village board, admissions, measures and
documents, moves and exits with the judge's notices, visits)."""
