"""The affine map x @ W.T + b, with PyTorch's weight layout (out_features, in_features)."""


def linear(x, weight, bias=None):
    if x.shape[-1] != weight.shape[1]:
        raise ValueError(f"linear: input has {x.shape[-1]} features (shape {x.shape}) but the weight expects "
                         f"{weight.shape[1]} (weight shape {weight.shape})")
    out = x @ weight.T
    return out if bias is None else out + bias
