"""Registry cases for complex numbers: the complex_math ops, and arithmetic, reductions and matmul on complex input."""
from dataclasses import dataclass

import numpy as np

import autograd as ag

from .registry import Arg, OpCase


@dataclass
class CArg(Arg):
    """A complex128 input: real and imaginary parts uniform in [low, high), requiring grad unless told otherwise."""

    dtype: str = "complex128"

    def make(self, rng):
        if self.values is not None:
            arr = np.array(self.values, dtype=self.dtype)
        else:
            arr = np.asarray(rng.uniform(self.low, self.high, size=self.shape)
                             + 1j * rng.uniform(self.low, self.high, size=self.shape), dtype=self.dtype)
        if self.noncontig and arr.ndim >= 2:
            arr = np.ascontiguousarray(arr.swapaxes(-1, -2)).swapaxes(-1, -2)
        t = ag.from_numpy(arr)
        if self.requires_grad:
            t.requires_grad_(True)
        return t


def _pairs(z):
    return np.stack((z.real, z.imag), -1)


def _sgn(z):
    a = np.abs(z)
    return np.where(a == 0, 0, z / np.where(a == 0, 1, a))


CASES = [
    # real / imag / conj
    OpCase("complex-real-(3, 4)", lambda z: z.real, [CArg((3, 4))], lambda z: z.real),
    OpCase("complex-real-fn-0d", ag.real, [CArg(())], lambda z: np.asarray(z.real)),
    OpCase("complex-real-of-real", ag.real, [Arg((3,))], lambda x: x),
    OpCase("complex-imag-(2, 3)", lambda z: z.imag, [CArg((2, 3))], lambda z: z.imag),
    OpCase("complex-imag-noncontig", ag.imag, [CArg((3, 4), noncontig=True)], lambda z: z.imag),
    OpCase("complex-imag-empty", ag.imag, [CArg((0, 3))], lambda z: z.imag),
    OpCase("complex-conj-(3, 4)", ag.conj, [CArg((3, 4))], np.conj),
    OpCase("complex-conj-method-0d", lambda z: z.conj(), [CArg(())], lambda z: np.asarray(np.conj(z))),
    OpCase("complex-conj-of-real", ag.conj, [Arg((3,))], lambda x: x),
    OpCase("complex-conj-physical", lambda z: z.conj_physical() * z, [CArg((4,))], lambda z: np.conj(z) * z),
    OpCase("complex-resolve-conj", lambda z: ag.resolve_conj(z).resolve_neg(), [CArg((2,))], lambda z: z),
    # angle / abs / sgn / isreal
    OpCase("complex-angle-(3, 4)", ag.angle, [CArg((3, 4))], np.angle),
    OpCase("complex-angle-method-noncontig", lambda z: z.angle(), [CArg((3, 3), noncontig=True)], np.angle),
    OpCase("complex-angle-of-real", ag.angle, [Arg((5,), values=[-2.0, -0.5, 0.5, 1.0, 3.0])],
           lambda x: np.where(x < 0, np.pi, 0.0)),
    OpCase("complex-abs-(3, 4)", ag.abs, [CArg((3, 4))], np.abs),
    OpCase("complex-abs-method-0d", lambda z: z.abs(), [CArg(())], lambda z: np.asarray(np.abs(z))),
    OpCase("complex-sgn-(2, 3)", lambda z: z.sgn(), [CArg((2, 3))], _sgn),
    OpCase("complex-sgn-fn-empty", ag.sgn, [CArg((0,))], _sgn),
    OpCase("complex-isreal", ag.isreal, [CArg((3,), requires_grad=False, values=[1 + 0j, 2j, -1 + 0j])],
           np.isreal, grad=False),
    # complex / polar / view_as_real / view_as_complex
    OpCase("complex-complex-(3, 4)", ag.complex, [Arg((3, 4)), Arg((3, 4))], lambda a, b: a + 1j * b),
    OpCase("complex-complex-bcast", ag.complex, [Arg((2, 1, 3)), Arg((4, 1))], lambda a, b: a + 1j * b),
    OpCase("complex-complex-0d", ag.complex, [Arg(()), Arg(())], lambda a, b: np.asarray(a + 1j * b)),
    OpCase("complex-complex-one-input", ag.complex, [Arg((3,)), Arg((3,), requires_grad=False)],
           lambda a, b: a + 1j * b),
    OpCase("complex-polar-(3, 4)", ag.polar, [Arg((3, 4), 0.5, 2), Arg((3, 4))], lambda r, t: r * np.exp(1j * t)),
    OpCase("complex-polar-bcast", ag.polar, [Arg((3, 1), 0.5, 2), Arg((4,))], lambda r, t: r * np.exp(1j * t)),
    OpCase("complex-view-as-real-(3, 4)", ag.view_as_real, [CArg((3, 4))], _pairs),
    OpCase("complex-view-as-real-noncontig", ag.view_as_real, [CArg((3, 4), noncontig=True)], _pairs),
    OpCase("complex-view-as-real-0d", ag.view_as_real, [CArg(())], _pairs),
    OpCase("complex-view-as-real-copy", ag.view_as_real_copy, [CArg((2,))], _pairs),
    OpCase("complex-view-as-complex-(3, 2)", ag.view_as_complex, [Arg((3, 2))], lambda x: x[..., 0] + 1j * x[..., 1]),
    OpCase("complex-view-as-complex-(2, 3, 2)", ag.view_as_complex, [Arg((2, 3, 2))],
           lambda x: x[..., 0] + 1j * x[..., 1]),
    OpCase("complex-view-as-complex-copy", ag.view_as_complex_copy, [Arg((2,))],
           lambda x: np.asarray(x[0] + 1j * x[1])),
    # adjoint / H / mH
    OpCase("complex-adjoint-(3, 4)", ag.adjoint, [CArg((3, 4))], lambda z: z.conj().T),
    OpCase("complex-H-(2, 3)", lambda z: z.H, [CArg((2, 3))], lambda z: z.conj().T),
    OpCase("complex-mH-(2, 3, 4)", lambda z: z.mH, [CArg((2, 3, 4))], lambda z: np.conj(z).swapaxes(-1, -2)),
    OpCase("complex-adjoint-of-real", lambda x: x.adjoint(), [Arg((2, 3))], lambda x: x.T),
    # arithmetic, math, reductions, matmul on complex input
    OpCase("complex-add-bcast", ag.add, [CArg((2, 3)), CArg((3,))], np.add),
    OpCase("complex-sub-real", ag.sub, [CArg((2, 3)), Arg((2, 3))], np.subtract),
    OpCase("complex-mul-(3, 4)", ag.mul, [CArg((3, 4)), CArg((3, 4))], np.multiply),
    OpCase("complex-mul-real-bcast", ag.mul, [Arg((2, 1)), CArg((3,))], np.multiply),
    OpCase("complex-mul-scalar", lambda z: z * (2 - 1j), [CArg((3,))], lambda z: z * (2 - 1j)),
    OpCase("complex-real-times-scalar", lambda x: x * 1j + 2j, [Arg((3,))], lambda x: x * 1j + 2j),
    OpCase("complex-div-(3, 4)", ag.div, [CArg((3, 4)), CArg((3, 4), 0.5, 2)], np.divide),
    OpCase("complex-neg-noncontig", ag.neg, [CArg((3, 4), noncontig=True)], np.negative),
    OpCase("complex-exp", ag.exp, [CArg((3, 4))], np.exp),
    OpCase("complex-log", ag.log, [CArg((3, 4), 0.5, 2)], np.log),
    OpCase("complex-sqrt", ag.sqrt, [CArg((3, 4), 0.5, 2)], np.sqrt),
    OpCase("complex-reciprocal", ag.reciprocal, [CArg((3,), 0.5, 2)], np.reciprocal),
    OpCase("complex-pow-int", lambda z: z ** 3, [CArg((3, 4))], lambda z: z ** 3),
    OpCase("complex-pow-tensor", ag.pow, [CArg((3,), 0.5, 2), CArg((3,), -1, 1)], np.power),
    OpCase("complex-pow-complex-exponent", lambda z: z ** (0.5 + 1j), [CArg((3,), 0.5, 2)],
           lambda z: z ** (0.5 + 1j)),
    OpCase("complex-sum-dim", lambda z: z.sum(1), [CArg((3, 4))], lambda z: z.sum(1)),
    OpCase("complex-mean", ag.mean, [CArg((3, 4))], lambda z: np.asarray(z.mean())),
    OpCase("complex-matmul-(3, 4)-(4, 2)", ag.matmul, [CArg((3, 4)), CArg((4, 2))], np.matmul),
    OpCase("complex-matmul-vec-real", ag.matmul, [CArg((2, 3, 4)), Arg((4,))], np.matmul),
    OpCase("complex-to-complex", lambda x: x.to(ag.complex128) * 1j, [Arg((3,))], lambda x: x * 1j),
    OpCase("complex-cdouble-method", lambda x: x.cdouble().conj(), [Arg((3,))], lambda x: x.astype(complex)),
    OpCase("complex-index-cat", lambda z, w: ag.cat([z[1:], w.reshape(1, 4).flip(0)]), [CArg((3, 4)), CArg((4,))],
           lambda z, w: np.concatenate([z[1:], w.reshape(1, 4)])),
]

# linalg.eig / eigvals (the eigenvector phase is arbitrary: the cases use phase-independent functions of it)
CASES += [
    OpCase("complex-eigvals-(3, 3)", ag.linalg.eigvals, [Arg((3, 3))], lambda a: np.linalg.eigvals(a).astype(complex)),
    OpCase("complex-eigvals-batch-complex", ag.linalg.eigvals, [CArg((2, 3, 3))], np.linalg.eigvals),
    OpCase("complex-eig-vectors-abs", lambda a: ag.linalg.eig(a)[1].abs(), [Arg((3, 3))],
           lambda a: np.abs(np.linalg.eig(a)[1])),
    OpCase("complex-eig-both-complex", lambda a: (lambda lv: (lv[0], lv[1].abs()))(ag.linalg.eig(a)),
           [CArg((3, 3))], lambda a: (np.linalg.eig(a)[0], np.abs(np.linalg.eig(a)[1]))),
]
