"""nn: modules, layers, losses and optimizers built from autograd_core primitives."""
