"""viz: Graphviz drawings of the forward and backward passes of a recorded graph."""
