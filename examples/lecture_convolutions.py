"""The lectures' convolution and pooling examples, computed with nn.functional and printed.

    python examples/lecture_convolutions.py

Output sizes follow W = (N + 2P - F)/S + 1; the small 0/1 images and filters are the ones on the slides, and each
function returns what it computed so that tests/test_lecture_numbers.py can check it against the slides' numbers.
Convolution here is what the slides (and PyTorch) compute: slide the filter, take dot products (no flipping).
"""

import numpy as np

import autograd_core as ag
import nn
import nn.functional as F


def convolve(image, kernel, stride=1, padding=0):
    """One 2-D image convolved with one filter, as (1, 1, H, W) tensors through conv2d; returns an array."""
    x = ag.tensor(np.asarray(image, dtype=np.float64)[None, None])
    w = ag.tensor(np.asarray(kernel, dtype=np.float64)[None, None])
    return F.conv2d(x, w, stride=stride, padding=padding).numpy()[0, 0]


def pool(image, kind, kernel_size, stride=None):
    """Max, average or sum pooling of one 2-D image; stride defaults to the kernel size."""
    fn = {"max": F.max_pool2d, "average": F.avg_pool2d, "sum": F.sum_pool2d}[kind]
    return fn(ag.tensor(np.asarray(image, dtype=np.float64)[None, None]), kernel_size, stride).numpy()[0, 0]


def activation_map(n, depth, filters, f, padding=0, stride=1):
    """Shape (W, W, filters) of the map that `filters` FxFxdepth filters make from an NxNxdepth input.

    Computed twice: by the formula and by running a Conv2d on an input of that size.
    """
    w = F.conv_output_size(n, f, stride, padding)
    layer = nn.Conv2d(depth, filters, f, stride=stride, padding=padding)
    with ag.no_grad():
        out = layer(ag.zeros(1, depth, n, n))
    assert out.shape == (1, filters, w, w)
    return (w, w, filters)


def parameter_count(depth, filters, f):
    """Weights and biases of a layer of `filters` FxFxdepth filters, counted on an nn.Conv2d."""
    return sum(p.size for p in nn.Conv2d(depth, filters, f).parameters())


def output_sizes():
    """The slides' size questions: {question: answer}; a stride that does not fit gives the error text."""
    sizes = {
        "32x32x3, six 5x5x3 filters": activation_map(32, 3, 6, 5),
        "28x28x6, ten 5x5x6 filters": activation_map(28, 6, 10, 5),
        "32x32x3, six 5x5x3 filters, padding 2": activation_map(32, 3, 6, 5, padding=2),
        "7x7, 3x3 filter, padding 1 (the image no longer shrinks)": activation_map(7, 1, 1, 3, padding=1),
        "quiz: 128x128x3, ten 5x5x3 filters, padding 2, stride 1": activation_map(128, 3, 10, 5, padding=2),
        "quiz: number of parameters": parameter_count(3, 10, 5),
        "quiz: F = N + 2P = 132 (just a fully connected layer)": activation_map(128, 3, 10, 132, padding=2),
        "3x3 input, padding 1, 2x2 kernel": F.conv_output_size(3, 2, 1, 1),
        "3x3 map, 2x2 max pooling, stride 1": F.conv_output_size(3, 2, 1, 0),
        "16x16 map, 4x4 pooling": F.conv_output_size(16, 4, 4),
    }
    for stride in (1, 2, 3):
        try:
            sizes[f"7x7, 3x3 filter, stride {stride}"] = F.conv_output_size(7, 3, stride, strict=True)
        except ValueError as e:
            sizes[f"7x7, 3x3 filter, stride {stride}"] = f"ValueError: {e}"
    return sizes


def cross_filter_example():
    """A 5x5 0/1 image and an X-shaped 3x3 filter: the convolved feature, then 2x2 max pooling at stride 1."""
    image = [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
    kernel = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
    feature = convolve(image, kernel)
    return {"image": image, "kernel": kernel, "feature": feature, "max_pool": pool(feature, "max", 2, stride=1)}


def pattern_filters_example():
    """A 6x6 0/1 image and two 3x3 filters (a diagonal, a vertical line): maps at stride 1 and 2, 2x2 max pooling."""
    image = [
        [1, 0, 0, 0, 0, 1],
        [0, 1, 0, 0, 1, 0],
        [0, 0, 1, 1, 0, 0],
        [1, 0, 0, 0, 1, 0],
        [0, 1, 0, 0, 1, 0],
        [0, 0, 1, 0, 1, 0],
    ]
    filters = {"filter 1": [[1, -1, -1], [-1, 1, -1], [-1, -1, 1]], "filter 2": [[-1, 1, -1], [-1, 1, -1], [-1, 1, -1]]}
    out = {"image": image, "filters": filters}
    for name, k in filters.items():
        out[name] = {"stride 1": convolve(image, k), "stride 2": convolve(image, k, stride=2)}
        out[name]["max_pool"] = pool(out[name]["stride 1"], "max", 2)
    return out


def conv_then_pool_example():
    """A 6x6 0/1 image, a filter of two rows of ones: the feature map, then 2x2 max, average and sum pooling."""
    image = [
        [1, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 1],
        [0, 0, 1, 1, 0, 0],
        [0, 0, 1, 1, 0, 0],
        [0, 0, 1, 1, 0, 0],
        [0, 0, 1, 1, 0, 0],
    ]
    kernel = [[1, 1, 1], [1, 1, 1], [0, 0, 0]]
    feature = convolve(image, kernel)
    return {
        "image": image,
        "kernel": kernel,
        "feature": feature,
        **{kind: pool(feature, kind, 2) for kind in ("max", "average", "sum")},
    }


def padding_and_stride_example():
    """An integer image and 3x3 kernel: full, 'same' and 'valid' convolutions, stride 2, 3x3 pooling at stride 1."""
    image = [[4, 1, 0, 2, 5], [1, -1, 6, -2, 4], [-3, 4, 1, 3, 2], [0, -3, 0, 5, -1]]
    kernel = [[6, 2, 1], [0, -2, 3], [2, -1, -4]]
    same = convolve(image, kernel, padding=1)
    taller = image + [[5, 2, -2, 1, 0]]  # the stride slide adds a fifth row
    return {
        "image": image,
        "kernel": kernel,
        "full (padding 2)": convolve(image, kernel, padding=2),
        "same (padding 1)": same,
        "valid (no padding)": convolve(image, kernel),
        "stride 2, padding 1 (five rows)": convolve(taller, kernel, stride=2, padding=1),
        "3x3 max pooling, stride 1": pool(same, "max", 3, stride=1),
        "3x3 average pooling, stride 1": pool(same, "average", 3, stride=1),
    }


def _show(name, value, indent="  "):
    if isinstance(value, dict):
        print(f"{indent}{name}:")
        for k, v in value.items():
            _show(k, v, indent + "  ")
    elif isinstance(value, (list, np.ndarray)):
        rows = np.array2string(np.asarray(value), precision=3, suppress_small=True).replace("\n", "\n" + indent + "  ")
        print(f"{indent}{name}:\n{indent}  {rows}")
    else:
        print(f"{indent}{name}: {value}")


def main():
    print("Output sizes, W = (N + 2P - F)/S + 1")
    for question, answer in output_sizes().items():
        print(f"  {question} -> {answer}")
    for title, example in (
        ("X-shaped filter on a 5x5 image", cross_filter_example),
        ("Two pattern filters on a 6x6 image", pattern_filters_example),
        ("Convolution, then max / average / sum pooling", conv_then_pool_example),
        ("Padding, stride and pooling on an integer image", padding_and_stride_example),
    ):
        print(f"\n{title}")
        for name, value in example().items():
            _show(name, value)


if __name__ == "__main__":
    main()
