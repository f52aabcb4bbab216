"""Data files of the assessment: standard structure and rubrics (YAML)."""
