"""grid_sample, grid_sampler and affine_grid against PyTorch: values, gradients, warnings and errors."""
import itertools
import time
import warnings

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from tests.ops.cases_grid_sample import grid_values

torch = pytest.importorskip("torch")
TF = torch.nn.functional

MODES = ["bilinear", "nearest", "bicubic"]
PADDINGS = ["zeros", "border", "reflection"]


def _pair(a, requires_grad=True):
    return ag.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)


def _compare(fn, tfn, arrays, rtol=1e-10, atol=1e-12):
    """fn on tapegrad tensors and tfn on torch ones: outputs and the gradients of a random weighting agree."""
    ours, theirs = zip(*(_pair(a) for a in arrays))
    y, ty = fn(*ours), tfn(*theirs)
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=rtol, atol=atol)
    w = np.random.default_rng(9).standard_normal(tuple(ty.shape)).astype(arrays[0].dtype)
    (y * ag.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("mode,padding,align", list(itertools.product(MODES, PADDINGS, (False, True))))
def test_grid_sample_2d_matches_torch(mode, padding, align):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 5, 4))
    g = rng.uniform(-1.4, 1.4, (2, 6, 7, 2))  # random points, many outside the image
    _compare(lambda a, b: F.grid_sample(a, b, mode, padding, align),
             lambda a, b: TF.grid_sample(a, b, mode, padding, align), [x, g])


@pytest.mark.parametrize("mode,padding,align", list(itertools.product(MODES[:2], PADDINGS, (False, True))))
def test_grid_sample_3d_matches_torch(mode, padding, align):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 2, 3, 4, 5))
    g = rng.uniform(-1.4, 1.4, (2, 3, 2, 4, 3))
    _compare(lambda a, b: F.grid_sample(a, b, mode, padding, align),
             lambda a, b: TF.grid_sample(a, b, mode, padding, align), [x, g])


@pytest.mark.parametrize("padding,align", list(itertools.product(PADDINGS, (False, True))))
def test_grid_sample_of_an_affine_grid_matches_torch_at_the_borders(padding, align):
    """Identity and zoom grids put points exactly on pixel centres and borders: PyTorch's gradient there (0 where
    a coordinate is clipped, the borders included) is taken."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 2, 4, 5))
    theta = np.array([[[1.0, 0, 0], [0, 1, 0]], [[1.25, 0, 0.1], [0, 1.5, 0]]])
    for mode in MODES:
        _compare(lambda a, t: F.grid_sample(a, F.affine_grid(t, (2, 2, 3, 6), align), mode, padding, align),
                 lambda a, t: TF.grid_sample(a, TF.affine_grid(t, (2, 2, 3, 6), align), mode, padding, align),
                 [x, theta])


def test_grid_sample_float32_matches_torch():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 4, 6, 6)).astype(np.float32)
    g = rng.uniform(-1.1, 1.1, (1, 5, 5, 2)).astype(np.float32)
    for mode in MODES:
        _compare(lambda a, b: F.grid_sample(a, b, mode, "border", False),
                 lambda a, b: TF.grid_sample(a, b, mode, "border", False), [x, g], rtol=1e-4, atol=1e-5)
        y = F.grid_sample(ag.tensor(x), ag.tensor(g), mode, align_corners=False)
        assert y.dtype == ag.float32


@pytest.mark.filterwarnings("ignore:Since version 1.3.0, affine_grid")
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 1, 3, 1, 4)])
@pytest.mark.parametrize("align", [False, True])
def test_affine_grid_matches_torch(size, align):
    k = len(size) - 2
    theta = np.random.default_rng(4).standard_normal((2, k, k + 1))
    _compare(lambda t: F.affine_grid(t, size, align), lambda t: TF.affine_grid(t, size, align), [theta])
    _compare(lambda t: ag.affine_grid_generator(t, size, align),
             lambda t: torch.affine_grid_generator(t, size, align), [theta])


def test_grid_sampler_entry_points_match_torch():
    rng = np.random.default_rng(5)
    x, g = rng.standard_normal((1, 2, 3, 4)), rng.uniform(-1, 1, (1, 2, 2, 2))
    x3, g3 = rng.standard_normal((1, 2, 3, 3, 2)), rng.uniform(-1, 1, (1, 2, 2, 1, 3))
    for mode, padding, align in [(0, 0, False), (1, 2, True), (2, 1, False)]:
        _compare(lambda a, b: ag.grid_sampler_2d(a, b, mode, padding, align),
                 lambda a, b: torch.grid_sampler_2d(a, b, mode, padding, align), [x, g])
        _compare(lambda a, b: ag.grid_sampler(a, b, mode, padding, align),
                 lambda a, b: torch.grid_sampler(a, b, mode, padding, align), [x, g])
    _compare(lambda a, b: ag.grid_sampler_3d(a, b, 0, 2, True),
             lambda a, b: torch.grid_sampler_3d(a, b, 0, 2, True), [x3, g3])
    _compare(lambda a, b: ag.grid_sampler(input=a, grid=b, interpolation_mode=1, padding_mode=0, align_corners=False),
             lambda a, b: torch.grid_sampler(a, b, 1, 0, False), [x3, g3])


def test_grid_sample_double_backward_runs_through_the_primitives():
    """Second derivatives w.r.t. input and grid (bilinear: d2/dgrid2 comes from the product of the weights)."""
    rng = np.random.default_rng(6)
    x = ag.tensor(rng.standard_normal((1, 1, 3, 3)), requires_grad=True)
    g = ag.tensor(grid_values((1, 2, 2, 2), (3, 3), False), requires_grad=True)
    y = F.grid_sample(x, g, align_corners=False)
    gx, gg = ag.grad(y.square().sum(), (x, g), create_graph=True)
    (gx.sum() + gg.sum()).backward()
    assert x.grad is not None and g.grad is not None


def test_the_default_align_corners_warns_as_in_torch():
    x, g = ag.zeros(1, 1, 2, 2), ag.zeros(1, 1, 1, 2)
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior has changed"):
        F.grid_sample(x, g)
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior has changed"):
        grid = F.affine_grid(ag.zeros(1, 2, 3), (1, 1, 2, 2))
    np.testing.assert_array_equal(grid.numpy(), TF.affine_grid(torch.zeros(1, 2, 3), (1, 1, 2, 2), False).numpy())
    with pytest.warns(UserWarning, match="affine_grid behavior has changed for unit-size grids"):
        F.affine_grid(ag.zeros(1, 2, 3), (1, 1, 1, 2), align_corners=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.grid_sample(x, g, align_corners=False)
        F.affine_grid(ag.zeros(1, 2, 3), (1, 1, 2, 2), align_corners=True)


def test_nearest_gives_the_grid_a_zero_gradient_as_torch():
    g = ag.tensor([[[[0.3, -0.2]]]], requires_grad=True)
    F.grid_sample(ag.ones(1, 1, 3, 3), g, "nearest", align_corners=True).sum().backward()
    np.testing.assert_array_equal(g.grad.numpy(), np.zeros((1, 1, 1, 2)))


def test_grid_sample_is_reasonably_fast():
    """A 16-channel 64x64 batch of 4, bilinear, forward and backward: well under a second."""
    rng = np.random.default_rng(7)
    x = ag.tensor(rng.standard_normal((4, 16, 64, 64)).astype(np.float32), requires_grad=True)
    g = ag.tensor(rng.uniform(-1, 1, (4, 64, 64, 2)).astype(np.float32), requires_grad=True)
    start = time.perf_counter()
    F.grid_sample(x, g, align_corners=False).sum().backward()
    assert time.perf_counter() - start < 2.0


# ---------------------------------------------------------------------------- errors
def test_grid_sample_refuses_unknown_modes():
    x, g = ag.zeros(1, 1, 2, 2), ag.zeros(1, 1, 1, 2)
    with pytest.raises(ValueError, match="expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: 'area'"):
        F.grid_sample(x, g, "area", align_corners=False)
    with pytest.raises(ValueError, match="expected padding_mode to be 'zeros', 'border', or 'reflection', but got: "
                                         "'wrap'"):
        F.grid_sample(x, g, padding_mode="wrap", align_corners=False)
    with pytest.raises(RuntimeError, match="grid_sampler\\(\\): interpolation_mode must be 0 .*got 3"):
        ag.grid_sampler(x, g, 3, 0, False)
    with pytest.raises(RuntimeError, match="grid_sampler\\(\\): padding_mode must be 0 .*got 5"):
        ag.grid_sampler(x, g, 0, 5, False)


def test_grid_sampler_refuses_bad_shapes_as_torch():
    x, g = ag.zeros(2, 3, 4, 5), ag.zeros(2, 6, 7, 2)
    with pytest.raises(RuntimeError, match=r"expected grid and input to have same batch size, but got input with "
                                           r"sizes \[2, 3, 4, 5\] and grid with sizes \[1, 6, 7, 2\]"):
        ag.grid_sampler(x, g[:1], 0, 0, False)
    with pytest.raises(RuntimeError, match=r"expected grid to have size 2 in last dimension, but got grid with sizes "
                                           r"\[2, 6, 7, 1\]"):
        ag.grid_sampler(x, g[..., :1], 0, 0, False)
    with pytest.raises(RuntimeError, match=r"non-empty spatial dimensions, but input has sizes \[2, 3, 0, 5\] with "
                                           "dimension 2 being empty"):
        ag.grid_sampler(ag.zeros(2, 3, 0, 5), g, 0, 0, False)
    with pytest.raises(RuntimeError, match="bicubic interpolation only supports 4D input"):
        ag.grid_sampler(ag.zeros(1, 1, 2, 2, 2), ag.zeros(1, 1, 1, 1, 3), 2, 0, False)
    with pytest.raises(RuntimeError, match="bicubic interpolation only supports 4D input"):
        ag.grid_sampler_3d(ag.zeros(1, 1, 2, 2, 2), ag.zeros(1, 1, 1, 1, 3), 2, 0, False)
    with pytest.raises(RuntimeError, match="grid_sampler_2d\\(\\): expected 4D input and grid with same number of "
                                           "dimensions"):
        ag.grid_sampler_2d(ag.zeros(1, 1, 2, 2, 2), ag.zeros(1, 1, 1, 1, 3), 0, 0, False)
    with pytest.raises(RuntimeError, match="grid_sampler_3d\\(\\): expected 5D input and grid"):
        ag.grid_sampler_3d(x, g, 0, 0, False)
    with pytest.raises(RuntimeError, match="grid_sampler\\(\\): expected 5D input and grid"):
        ag.grid_sampler(ag.zeros(2, 3, 4), ag.zeros(2, 3, 1), 0, 0, False)


def test_grid_sampler_refuses_bad_types_dtypes_and_devices(stand_in):
    x, g = ag.zeros(1, 1, 2, 2), ag.zeros(1, 1, 1, 2)
    with pytest.raises(TypeError, match="grid_sampler\\(\\): argument 'align_corners' \\(position 5\\) must be bool, "
                                        "not NoneType"):
        ag.grid_sampler(x, g, 0, 0, None)
    with pytest.raises(TypeError, match="grid_sampler"):
        ag.grid_sampler(x, g, "bilinear", 0, False)
    with pytest.raises(TypeError, match="grid_sampler\\(\\): argument 'grid' \\(position 2\\) must be Tensor"):
        ag.grid_sampler(x, [[0.0]], 0, 0, False)
    with pytest.raises(RuntimeError, match="grid_sampler\\(\\): expected input and grid to have the same dtype, but "
                                           "input is float32 and grid is float64"):
        ag.grid_sampler(x, g.double(), 0, 0, False)
    with pytest.raises(NotImplementedError, match="grid_sampler\\(\\): not implemented for int64 input"):
        ag.grid_sampler(x.long(), g.long(), 0, 0, False)
    with pytest.raises(RuntimeError, match="expected input and grid to be on same device, but input is on cuda:0 "
                                           "and grid is on cpu"):
        ag.grid_sampler(x.to("cuda"), g, 0, 0, False)


def test_affine_grid_refuses_bad_input_as_torch():
    theta = ag.zeros(2, 2, 3)
    with pytest.raises(ValueError, match="Expected theta to have floating point type, but got int64"):
        F.affine_grid(theta.long(), (2, 1, 2, 2), False)
    with pytest.raises(ValueError, match=r"Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                                         r"\[2, 1, 2, 2\]. Got \(2, 3, 4\)"):
        F.affine_grid(ag.zeros(2, 3, 4), (2, 1, 2, 2), False)
    with pytest.raises(ValueError, match="Expected a batch of 3D affine matrices of shape Nx3x4"):
        F.affine_grid(theta, (2, 1, 2, 2, 2), False)
    with pytest.raises(NotImplementedError, match="affine_grid only supports 4D and 5D sizes"):
        F.affine_grid(theta, (2, 1, 2), False)
    with pytest.raises(ValueError, match=r"Expected non-zero, positive output size. Got \[2, 0, 2, 2\]"):
        F.affine_grid(theta, (2, 0, 2, 2), False)
    with pytest.raises(TypeError, match="affine_grid: argument 'size'"):
        F.affine_grid(theta, (2, 1, 2.0, 2), False)
    with pytest.raises(RuntimeError, match=r"affine_grid_generator: expected theta of shape \(3, 2, 3\)"):
        F.affine_grid(theta, (3, 1, 2, 2), False)
    with pytest.raises(RuntimeError, match="AffineGridGenerator needs 4d \\(spatial\\) or 5d \\(volumetric\\)"):
        ag.affine_grid_generator(theta, (2, 1, 2), False)
    with pytest.raises(TypeError, match="affine_grid_generator\\(\\): argument 'align_corners' \\(position 3\\) must "
                                        "be bool"):
        ag.affine_grid_generator(theta, (2, 1, 2, 2), None)
