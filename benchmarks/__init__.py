"""Benchmarks: one script per workload (ops, conv, rnn), the matrix products alone (floor), the same workloads in
MyGrad and micrograd (peers), the examples' whole training steps with PyTorch twins (models), and run.py, which runs
them all."""
