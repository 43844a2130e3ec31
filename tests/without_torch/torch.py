"""Put this folder first on PYTHONPATH to run the tests as on a machine without PyTorch: `import
torch` fails as it does there (`make mutate` does; `PYTHONPATH=tests/without_torch pytest` counts the
tests that still need PyTorch)."""

raise ModuleNotFoundError("No module named 'torch' (tests/without_torch hides it)", name="torch")
