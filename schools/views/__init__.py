"""The school's server-rendered pages, one module per topic."""
