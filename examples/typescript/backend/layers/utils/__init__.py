"""E-Com67's shared helpers, published as the `utils` layer."""
