"""Benchmarks of the course book: notebook, build, data-pipeline and training speed (`make bench`)."""
