"""ResidualBlock and InceptionBlock: shapes, the skip connection's formula, gradients."""

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F


@pytest.fixture
def float64():
    prev = ag.get_default_dtype()
    ag.set_default_dtype(np.float64)
    yield
    ag.set_default_dtype(prev)


def x64(*shape, seed=0):
    return ag.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


def test_residual_block_is_relu_of_z_plus_a_prev(float64):
    block = nn.ResidualBlock(3)
    a0 = x64(2, 3, 5, 4)
    a1 = F.conv2d(a0, block.conv1.weight, block.conv1.bias, padding=1).relu()
    z2 = F.conv2d(a1, block.conv2.weight, block.conv2.bias, padding=1)
    np.testing.assert_allclose(block(a0).numpy(), (z2 + a0).relu().numpy())  # a3 = f(w2 a1 + b2 + a0)
    assert isinstance(block.shortcut, nn.Identity)


def test_residual_block_skip_carries_the_input_when_the_convolutions_are_zero(float64):
    block = nn.ResidualBlock(2)
    for p in block.parameters():
        nn.init.zeros_(p)
    a0 = x64(1, 2, 4, 4)
    np.testing.assert_allclose(block(a0).numpy(), a0.relu().numpy())
    block(a0).sum().backward()  # the gradient reaches a_prev through the skip alone
    np.testing.assert_allclose(a0.grad.numpy(), (a0.numpy() > 0).astype(float))


def test_residual_block_projection_when_shape_changes(float64):
    block = nn.ResidualBlock(2, 4, stride=2)
    assert isinstance(block.shortcut, nn.Conv2d) and block.shortcut.weight.shape == (4, 2, 1, 1)
    assert block(x64(2, 2, 7, 6)).shape == (2, 4, 4, 3)
    assert ag.gradcheck(block, [x64(1, 2, 5, 4, seed=1)])
    with pytest.raises(ValueError, match="odd kernel_size"):
        nn.ResidualBlock(2, kernel_size=2)


def test_inception_block_concatenates_branches_on_channels(float64):
    block = nn.InceptionBlock(3, ch1x1=2, ch3x3=4, ch5x5=1, pool_proj=3, ch3x3red=2, ch5x5red=1)
    x = x64(2, 3, 6, 5)
    y = block(x)
    assert y.shape == (2, 10, 6, 5) and block.out_channels == 10
    np.testing.assert_allclose(y.numpy()[:, :2], block.branch1(x).numpy())
    np.testing.assert_allclose(y.numpy()[:, 2:6], block.branch3(x).numpy())
    np.testing.assert_allclose(y.numpy()[:, 6:7], block.branch5(x).numpy())
    np.testing.assert_allclose(y.numpy()[:, 7:], block.branch_pool(x).numpy())
    pooled = F.max_pool2d(x, 3, 1, 1)  # the pool branch: 3x3 max pooling keeps the size
    conv = block.branch_pool[1].conv
    np.testing.assert_allclose(y.numpy()[:, 7:], F.conv2d(pooled, conv.weight, conv.bias).relu().numpy())
    assert block(x64(3, 4, 4)).shape == (10, 4, 4)  # unbatched


def test_inception_block_gradcheck_and_every_parameter_gets_a_gradient(float64):
    block = nn.InceptionBlock(2, 1, 2, 1, 1)
    x = x64(1, 2, 4, 3, seed=2)
    assert ag.gradcheck(block, [x])
    block(x).sum().backward()
    for name, p in block.named_parameters():
        assert p.grad is not None and p.grad.shape == p.shape, name
