"""numba kernels: contiguous NumPy arrays in, arrays out.

Kernels know nothing of scikit-learn, pandas, labels or parameters. Inputs are
validated, encoded and made contiguous in the layer above; kernels get integer
codes, float32/float64 values and integer seeds.
"""
