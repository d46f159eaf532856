"""Input adapters: let grayscale or small images feed a backbone built for others."""

import keras

from keras_recipes.checks import require_positive_int


def adapt_input(x, *, channels, size, scale=1.0):
    """Repeat channels, resize and rescale ``x`` with stock Keras layers.

    Diagram A1: the stem of a transferred network fixes the input it
    accepts, so digits (8x8 or 32x32, one channel, values in [0, 1]) pass
    through an adapter first. Everything is a stock, saveable Keras layer:
    ``Concatenate`` repeats a single channel, ``Resizing`` changes the size
    (bilinear), ``Rescaling`` multiplies by ``scale``. Steps that would do
    nothing are left out, so an input that already fits is passed unchanged.

    ```python
    import keras
    from keras_recipes.transfer import adapt_input
    inputs = keras.Input((8, 8, 1))
    x = adapt_input(inputs, channels=3, size=32, scale=255.0)   # (None, 32, 32, 3)
    ```

    Args:
        x: a symbolic image tensor (batch, height, width, c).
        channels: channels the backbone expects; a 1-channel input is
            repeated, any other mismatch is refused.
        size: side of the square image the backbone gets; ``None`` keeps
            the input's size.
        scale: factor applied last (255.0 maps [0, 1] images to [0, 255]).
    Returns:
        the adapted tensor.
    """
    require_positive_int("channels", channels)
    if size is not None:
        require_positive_int("size", size)
    have = x.shape[-1]
    if have != channels:
        if have != 1:
            raise ValueError(
                f"cannot adapt {have}-channel images to a {channels}-channel backbone: "
                "only 1-channel (grayscale) inputs are repeated; received input "
                f"shape {tuple(x.shape[1:])}"
            )
        x = keras.layers.Concatenate(axis=-1, name="adapter_repeat_channels")([x] * channels)
    if size is not None and tuple(x.shape[1:3]) != (size, size):
        x = keras.layers.Resizing(size, size, interpolation="bilinear", name="adapter_resize")(x)
    if scale != 1.0:
        x = keras.layers.Rescaling(scale, name="adapter_rescale")(x)
    return x
