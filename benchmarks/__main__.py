"""`python -m benchmarks`: every workload, engine vs PyTorch, as one table (see benchmarks/run.py)."""

from benchmarks.run import main

main()
