"""Ready-made datasets: load_digits (bundled with scikit-learn), and MNIST / FashionMNIST from local idx files."""
import gzip
import math
import os
import zlib

import numpy as np

from ..creation import from_numpy, tensor
from .dataset import Dataset

__all__ = ["load_digits", "read_idx", "MNIST", "FashionMNIST"]


def load_digits(test_fraction=0.2, seed=0, dtype=None):
    """(X_train, y_train, X_test, y_test): 1797 8x8 digits as 64 features scaled to [0, 1], a seeded split."""
    try:
        from sklearn.datasets import load_digits as _sk_digits  # optional dependency
    except ImportError:
        raise ImportError("load_digits reads the copy of the digits data inside scikit-learn: "
                          'pip install scikit-learn (or pip install -e ".[examples]")') from None
    if not 0 < test_fraction < 1:
        raise ValueError(f"load_digits: test_fraction must be in (0, 1), got {test_fraction}")
    bunch = _sk_digits()
    X = bunch.data.astype(np.float32) / 16.0
    y = bunch.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(len(X) * test_fraction))
    test, train = order[:n_test], order[n_test:]
    return (tensor(X[train], dtype=dtype), tensor(y[train]), tensor(X[test], dtype=dtype), tensor(y[test]))


# ---------------------------------------------------------------------------- idx files (the MNIST format)
_IDX_TYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_IDX_HELP = ("an idx file starts with two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, "
             "0x0D float32, 0x0E float64), the number of dims, then each dim as a big-endian uint32")


def _read_bytes(path):
    """The file's bytes, decompressed when it is gzipped (recognized by its content, not its name)."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as err:
        raise ValueError(f"read_idx: {path} is a damaged or truncated gzip file ({err})") from None


def read_idx(path):
    """The array stored in an idx file (raw or gzipped), such as train-images-idx3-ubyte(.gz); native byte order."""
    path = os.fspath(path)
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise ValueError(f"read_idx: {path} is truncated or not an idx file: {len(raw)} bytes, shorter than the "
                         f"4-byte magic number; {_IDX_HELP}")
    code, ndim = raw[2], raw[3]
    if raw[:2] != b"\0\0" or code not in _IDX_TYPES:
        raise ValueError(f"read_idx: {path} is not an idx file (magic number 0x{raw[:4].hex()}); {_IDX_HELP}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"read_idx: {path} is truncated: its header announces {ndim} dims ({header} bytes) but the "
                         f"file has only {len(raw)} bytes")
    dims = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_TYPES[code])
    need, got = math.prod(dims) * dtype.itemsize, len(raw) - header
    if got != need:
        what = "truncated" if got < need else "longer than its header says"
        raise ValueError(f"read_idx: {path} is {what}: dims {dims} of {dtype.name} need {need} bytes after the "
                         f"{header}-byte header, but {got} bytes follow")
    return np.frombuffer(raw, dtype, offset=header).reshape(dims).astype(dtype.newbyteorder("="))


class MNIST(Dataset):
    """The MNIST digits from the four standard idx files in a local folder; items are (1xHxW float32 image in [0, 1],
    int label). Nothing is downloaded: see the FileNotFoundError for where to get the files."""

    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven",
               "8 - eight", "9 - nine"]
    files = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
    source = ("https://ossci-datasets.s3.amazonaws.com/mnist/ (PyTorch's mirror of http://yann.lecun.com/exdb/mnist/)"
              "; with torchvision installed, torchvision.datasets.MNIST(root, download=True) also puts them in "
              "root/MNIST/raw/, which is searched")

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        self.root, self.train = os.fspath(root), train
        self.transform, self.target_transform = transform, target_transform
        prefix = "train" if train else "t10k"
        img_path = self._find(f"{prefix}-images-idx3-ubyte")
        lbl_path = self._find(f"{prefix}-labels-idx1-ubyte")
        images, labels = read_idx(img_path), read_idx(lbl_path)
        if images.ndim != 3 or images.dtype != np.uint8:
            raise ValueError(f"{type(self).__name__}: {img_path} should hold uint8 images of shape (N, H, W), got "
                             f"{images.dtype} of shape {images.shape}")
        if labels.ndim != 1 or len(labels) != len(images):
            raise ValueError(f"{type(self).__name__}: {lbl_path} holds labels of shape {labels.shape} but "
                             f"{img_path} holds {len(images)} images; expected ({len(images)},)")
        self._images, self._labels = images, labels.astype(np.int64)
        self.data = from_numpy(images)  # (N, H, W) as stored (uint8 for MNIST), as torchvision's .data
        self.targets = from_numpy(self._labels)  # int64 labels

    @property
    def class_to_idx(self):
        """Class name -> label."""
        return {c: i for i, c in enumerate(self.classes)}

    def _folders(self):
        return [self.root, os.path.join(self.root, type(self).__name__, "raw"), os.path.join(self.root, "raw")]

    def _find(self, name):
        for folder in self._folders():
            for candidate in (name, name + ".gz"):
                path = os.path.join(folder, candidate)
                if os.path.isfile(path):
                    return path
        cls = type(self).__name__
        split = "training" if self.train else "test"
        raise FileNotFoundError(
            f"{cls}: cannot find {name} or {name}.gz for the {split} split; looked in {self._folders()}. {cls} reads "
            f"the idx files {', '.join(self.files)} (each raw or .gz) from one of those folders and does not download "
            f"them: get them from {self.source}")

    def __len__(self):
        return len(self._images)

    def __getitem__(self, index):
        img = from_numpy(self._images[index].astype(np.float32)[None] * np.float32(1 / 255))
        target = int(self._labels[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __repr__(self):
        return (f"Dataset {type(self).__name__}\n    Number of datapoints: {len(self)}\n    Root location: {self.root}"
                f"\n    Split: {'Train' if self.train else 'Test'}")


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST (same idx file names and format as MNIST) from a local folder."""

    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]
    source = ("https://github.com/zalandoresearch/fashion-mnist (folder data/fashion/ of that repository); with "
              "torchvision installed, torchvision.datasets.FashionMNIST(root, download=True) also puts them in "
              "root/FashionMNIST/raw/, which is searched")
