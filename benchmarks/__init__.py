"""Benchmarks: one script per workload (ops, conv, rnn) and run.py, which runs them all."""
