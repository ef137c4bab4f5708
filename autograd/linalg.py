"""autograd.linalg: torch.linalg's functions with its names, signatures, return types and errors.

eig and eigvals give complex results (autograd/ops/eig.py).
ldl_factor, ldl_factor_ex and ldl_solve run on the CPU only (LAPACK's Bunch-Kaufman sytrf through scipy).
"""
from .ops.decomposition import (cholesky, cholesky_ex, eigh, eigvalsh, householder_product, lu, lu_factor, lu_factor_ex,
                                svdvals)
from .ops.decomposition import linalg_qr as qr
from .ops.decomposition import linalg_slogdet as slogdet
from .ops.decomposition import linalg_svd as svd
from .ops.eig import eig, eigvals
from .ops.ldl import ldl_factor, ldl_factor_ex, ldl_solve
from .ops.linalg import LinAlgError, matmul
from .ops.matrix_functions import (cond, lstsq, matrix_exp, matrix_norm, matrix_rank, multi_dot, norm, pinv, tensorinv,
                                   tensorsolve, vecdot, vector_norm)
from .ops.matrix_functions import linalg_cross as cross
from .ops.matrix_functions import linalg_diagonal as diagonal
from .ops.matrix_functions import linalg_matrix_power as matrix_power
from .ops.matrix_functions import linalg_vander as vander
from .ops.solvers import inv_ex, lu_solve, solve, solve_ex, solve_triangular
from .ops.solvers import linalg_det as det
from .ops.solvers import linalg_inv as inv

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eig", "eigh", "eigvals",
           "eigvalsh", "householder_product", "inv", "inv_ex", "ldl_factor", "ldl_factor_ex", "ldl_solve", "lstsq", "lu",
           "lu_factor", "lu_factor_ex", "lu_solve", "matmul", "matrix_exp", "matrix_norm", "matrix_power", "matrix_rank",
           "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "solve_ex", "solve_triangular", "svd", "svdvals",
           "tensorinv", "tensorsolve", "vander", "vecdot", "vector_norm"]
