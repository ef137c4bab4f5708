"""Net: the design's stack of layers; a Sequential that also hands out parameters and gradients."""
from autograd import no_grad

from .container import Sequential

__all__ = ["Net"]


class Net(Sequential):
    """Runs its input through `layers` in order: Net([Dense(784, 200), ReLU(), Dense(200, 10)])."""

    def __init__(self, layers):
        if isinstance(layers, dict):
            super().__init__(layers)
        else:
            super().__init__(*layers)

    def get_parameters(self):
        """The parameters, in order, as a list."""
        return list(self.parameters())

    def get_params_and_grads(self):
        """(parameter, gradient) pairs, in order; the gradient is None before any backward."""
        return [(p, p.grad) for p in self.parameters()]

    def set_parameters(self, params):
        """Copy values into the parameters, in order (a list of tensors or arrays of matching shapes)."""
        own = self.get_parameters()
        params = list(params)
        if len(params) != len(own):
            raise ValueError(f"Net.set_parameters: got {len(params)} values for {len(own)} parameters")
        for i, (p, v) in enumerate(zip(own, params)):
            shape = tuple(getattr(v, "shape", ()))
            if shape != tuple(p.shape):
                raise ValueError(f"Net.set_parameters: value {i} has shape {shape}, but the parameter has shape "
                                 f"{tuple(p.shape)}; nothing was changed")
        with no_grad():
            for p, v in zip(own, params):
                p.copy_(v)
