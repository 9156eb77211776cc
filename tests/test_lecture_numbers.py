"""The lectures' numbers (../shared/seeds), checked against examples/lecture_convolutions.py.

Expected values are transcribed from the slides; where a slide shows an operation but not its result (some pooling
outputs), the expected value is worked out by hand in a comment next to it.
"""

import importlib.util
import pathlib

import numpy as np
import pytest

import nn.functional as F

_PATH = pathlib.Path(__file__).resolve().parents[1] / "examples" / "lecture_convolutions.py"
_spec = importlib.util.spec_from_file_location("lecture_convolutions", _PATH)
lecture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lecture)


def test_output_sizes_from_the_slides():
    sizes = lecture.output_sizes()
    assert sizes["32x32x3, six 5x5x3 filters"] == (28, 28, 6)
    assert sizes["28x28x6, ten 5x5x6 filters"] == (24, 24, 10)
    assert sizes["32x32x3, six 5x5x3 filters, padding 2"] == (32, 32, 6)  # (32 + 2*2 - 5)/1 + 1 = 32
    assert sizes["7x7, 3x3 filter, padding 1 (the image no longer shrinks)"] == (7, 7, 1)
    assert sizes["7x7, 3x3 filter, stride 1"] == 5
    assert sizes["7x7, 3x3 filter, stride 2"] == 3
    assert "remainder 1" in sizes["7x7, 3x3 filter, stride 3"]  # (7 - 3)/3 + 1 = 2.33: does not fit
    assert sizes["quiz: 128x128x3, ten 5x5x3 filters, padding 2, stride 1"] == (128, 128, 10)
    assert sizes["quiz: number of parameters"] == 760  # 5*5*3*10 + 10
    assert sizes["quiz: F = N + 2P = 132 (just a fully connected layer)"] == (1, 1, 10)
    assert sizes["3x3 input, padding 1, 2x2 kernel"] == 4  # (3 + 2*1 - 2)/1 + 1 = 4
    assert sizes["3x3 map, 2x2 max pooling, stride 1"] == 2  # (3 + 2*0 - 2)/1 + 1 = 2
    assert sizes["16x16 map, 4x4 pooling"] == 4


def test_stride_three_on_seven_by_seven_does_not_fit_strictly():
    with pytest.raises(ValueError, match="remainder 1"):
        F.conv_output_size(7, 3, 3, strict=True)
    assert F.conv_output_size(7, 3, 3) == 2  # PyTorch floors: the last column is never covered


def test_cross_filter_convolved_feature_and_max_pooling():
    ex = lecture.cross_filter_example()
    np.testing.assert_array_equal(ex["feature"], [[4, 3, 4], [2, 4, 3], [2, 3, 4]])
    np.testing.assert_array_equal(ex["max_pool"], [[4, 4], [4, 4]])


def test_pattern_filters_feature_maps_and_max_pooling():
    ex = lecture.pattern_filters_example()
    np.testing.assert_array_equal(
        ex["filter 1"]["stride 1"], [[3, -1, -3, -1], [-3, 1, 0, -3], [-3, -3, 0, 1], [3, -2, -2, -1]]
    )
    np.testing.assert_array_equal(
        ex["filter 2"]["stride 1"], [[-1, -1, -1, -1], [-1, -1, -2, 1], [-1, -1, -2, 1], [-1, 0, -4, 3]]
    )
    # stride 2 visits every other position of the stride-1 map (the slide shows the positions, not the values)
    np.testing.assert_array_equal(ex["filter 1"]["stride 2"], [[3, -3], [-3, 0]])
    # 2x2 max pooling of each map, e.g. filter 1's top-left block [[3, -1], [-3, 1]] -> 3
    np.testing.assert_array_equal(ex["filter 1"]["max_pool"], [[3, 0], [3, 1]])
    np.testing.assert_array_equal(ex["filter 2"]["max_pool"], [[-1, 1], [0, 3]])


def test_feature_map_then_max_average_and_sum_pooling():
    ex = lecture.conv_then_pool_example()
    np.testing.assert_array_equal(ex["feature"], [[6, 6, 6, 6], [4, 5, 5, 4], [2, 4, 4, 2], [2, 4, 4, 2]])
    # 2x2 blocks: [[6, 6], [4, 5]] -> max 6, mean 21/4, sum 21; [[2, 4], [2, 4]] -> max 4, mean 3, sum 12
    np.testing.assert_array_equal(ex["max"], [[6, 6], [4, 4]])
    np.testing.assert_array_equal(ex["average"], [[5.25, 5.25], [3, 3]])
    np.testing.assert_array_equal(ex["sum"], [[21, 21], [12, 12]])


def test_padding_and_stride_on_the_integer_image():
    ex = lecture.padding_and_stride_example()
    full = ex["full (padding 2)"]
    assert full.shape == (6, 7)  # (n + k - 1) x (m + k - 1)
    np.testing.assert_array_equal(full[0], [-16, -8, 7, -6, -22, -1, 10])
    np.testing.assert_array_equal(full[1], [8, -2, -23, 6, 9, -18, 8])
    np.testing.assert_array_equal(full[2, :5], [19, -9, 32, -15, 16])
    np.testing.assert_array_equal(
        ex["same (padding 1)"], [[-2, -23, 6, 9, -18], [-9, 32, -15, 16, 18], [31, 8, -15, 35, 3], [-11, -3, 44, 1, 24]]
    )
    # 'valid' is the part of 'same' where the kernel overlaps the image completely: (n - k + 1) x (m - k + 1)
    np.testing.assert_array_equal(ex["valid (no padding)"], [[32, -15, 16], [8, -15, 35]])
    stride2 = ex["stride 2, padding 1 (five rows)"]
    np.testing.assert_array_equal(stride2[:2], [[-2, 6, -18], [31, -15, 3]])
    # The slide's last row reads -7, -14, 28. -7 and 28 agree; for the middle entry the image rows as transcribed,
    # (0, -3, 0, 5, -1) and (5, 2, -2, 1, 0), give by hand (6*-3 + 2*0 + 1*5) + (0*2 - 2*-2 + 3*1) + 0 = -13 + 7
    # = -6; -14 would need the -2 in the fifth row to be a 2, so one of the two is a transcription slip.
    np.testing.assert_array_equal(stride2[2], [-7, -6, 28])
    # 3x3 pooling at stride 1 of the 'same' map: e.g. the top-left 3x3 block holds 32 as its max, mean 13/9
    np.testing.assert_array_equal(ex["3x3 max pooling, stride 1"], [[32, 35, 35], [44, 44, 44]])
    np.testing.assert_allclose(ex["3x3 average pooling, stride 1"][0, 0], 13 / 9)


def test_main_prints_every_example(capsys):
    lecture.main()
    out = capsys.readouterr().out
    assert "(128, 128, 10)" in out and "760" in out and "remainder 1" in out and "5.25" in out
