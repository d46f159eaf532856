"""Pretext task (A7): contrastive learning (SimCLR), "are these two views of the same digit?".

Chen et al. (2020); the anchor is keras.io's ``semisupervised_simclr``
example. Every unlabelled image is augmented twice (random shift, rotation,
zoom and erasing: ``keras_recipes.augment.views.strong_view``); the encoder
plus a small projection head maps both views to vectors, and the NT-Xent
loss pulls the two views of one image together while pushing them away
from the other ``2N - 2`` views in the batch. What survives augmentation
(the digit's identity) is what the embedding keeps.

``SimCLR`` is a ``keras.Model`` subclass with its own objective: it
overrides ``compute_loss`` only (``keras.ops`` throughout), so it trains on
TensorFlow and JAX and saves as ``.keras``. The views are drawn in the
tf.data pipeline (a ``keras.layers.Pipeline``, tf.data-safe on every
backend), a new pair every epoch.

>>> import numpy as np
>>> z = np.eye(4, dtype="float32")
>>> round(float(nt_xent_loss(z[:2], z[:2], temperature=0.1)), 4)  # views agree: the loss is small
0.0001
"""

import keras
from keras import ops

from keras_recipes.checks import require_positive_int, require_positive_number
from keras_recipes.representation._pretext import check_pretext_args, fit_pretext


def nt_xent_loss(first, second, temperature=0.1):
    """SimCLR's normalised-temperature cross-entropy over the ``2N`` projections of ``N`` pairs.

    Row ``i`` of ``first`` and row ``i`` of ``second`` are the two views of
    one image (the positive pair); every other projection in the batch is a
    negative. Cosine similarities divided by ``temperature``; each view's
    own similarity is masked out; the mean over all ``2N`` views.

    >>> import numpy as np
    >>> a = np.array([[1.0, 0.0], [0.0, 1.0]], "float32")
    >>> float(nt_xent_loss(a, a[::-1], temperature=1.0)) > float(nt_xent_loss(a, a, temperature=1.0))
    True
    """
    z = ops.concatenate([first, second], axis=0)
    z = z / ops.maximum(ops.norm(z, axis=1, keepdims=True), 1e-12)
    n = ops.shape(first)[0]
    logits = ops.matmul(z, ops.transpose(z)) / temperature
    index = ops.arange(2 * n)
    logits = logits - 1e9 * ops.one_hot(index, 2 * n, dtype=logits.dtype)
    positives = ops.concatenate([ops.arange(n, 2 * n), ops.arange(0, n)])
    log_probs = ops.log_softmax(logits, axis=-1)
    return -ops.mean(ops.sum(ops.one_hot(positives, 2 * n, dtype=log_probs.dtype) * log_probs, axis=-1))


@keras.saving.register_keras_serializable(package="keras_recipes")
class SimCLR(keras.Model):
    """``encoder`` + projection head trained with the NT-Xent loss on pairs of views.

    Called on a pair ``(view1, view2)`` it returns the ``2N`` projections
    (first views, then second views), which ``compute_loss`` turns into the
    NT-Xent loss; called on one batch of images it returns their
    projections. The encoder is shared, not copied: training this model
    trains it.

    >>> import numpy as np
    >>> from keras_recipes.zoo import vgg
    >>> encoder = vgg(input_shape=(8, 8, 1), width=4, depth=(1,)).encoder
    >>> simclr = SimCLR(encoder, projection_dim=8)
    >>> pair = (np.zeros((3, 8, 8, 1), "float32"), np.ones((3, 8, 8, 1), "float32"))
    >>> tuple(simclr(pair).shape)  # first views, then second views
    (6, 8)

    Args:
        encoder: a ``keras.Model`` images -> bottleneck (``bundle.encoder``).
        projection_dim: width of the projection (32).
        hidden: width of the projection head's hidden layer (64).
        temperature: NT-Xent temperature, > 0 (0.1, as keras.io's example).
    """

    def __init__(self, encoder, *, projection_dim=32, hidden=64, temperature=0.1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(encoder, keras.Model):
            raise TypeError(f"encoder must be a keras.Model; received: encoder={type(encoder).__name__}")
        self.encoder = encoder
        self.projection_dim = require_positive_int("projection_dim", projection_dim)
        self.hidden = require_positive_int("hidden", hidden)
        self.temperature = require_positive_number("temperature", temperature)
        self.projector = keras.Sequential([
            keras.Input(encoder.output.shape[1:]),
            keras.layers.Dense(self.hidden, activation="relu", name="projection_hidden"),
            keras.layers.Dense(self.projection_dim, name="projection"),
        ], name="projector")

    def call(self, inputs, training=None):
        if isinstance(inputs, (tuple, list)):
            inputs = ops.concatenate(list(inputs), axis=0)
        return self.projector(self.encoder(inputs, training=training), training=training)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        first, second = ops.split(y_pred, 2, axis=0)
        return nt_xent_loss(first, second, self.temperature)

    def get_config(self):
        config = super().get_config()
        config.update(encoder=keras.saving.serialize_keras_object(self.encoder),
                      projection_dim=self.projection_dim, hidden=self.hidden, temperature=self.temperature)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["encoder"] = keras.saving.deserialize_keras_object(config["encoder"])
        return cls(**config)


def view_pairs(images, *, batch_size=128, seed=0, views=None):
    """A tf.data pipeline of ``((view1, view2), dummy)``: two independent augmentations per image.

    Full batches only (``drop_remainder``): NT-Xent's negatives are the rest
    of the batch. ``views`` defaults to ``strong_view(seed=seed)`` run as a
    ``keras.layers.Pipeline`` (tf.data-safe on every backend).

    >>> import numpy as np
    >>> same = lambda images, training: images  # any tf.data-safe callable; the default draws strong views
    >>> pairs = view_pairs(np.ones((5, 8, 8, 1)), batch_size=4, views=same)
    >>> (first, second), _ = next(iter(pairs))
    >>> tuple(first.shape), tuple(second.shape)
    ((4, 8, 8, 1), (4, 8, 8, 1))
    """
    import numpy as np
    import tensorflow as tf

    from keras_recipes.augment.views import strong_view

    views = views or keras.layers.Pipeline(strong_view(seed=seed).layers, name="contrastive_views")
    x = np.asarray(images, dtype="float32")
    ds = tf.data.Dataset.from_tensor_slices(x).shuffle(len(x), seed=seed)
    ds = ds.batch(min(batch_size, len(x)), drop_remainder=True)
    # Sequential map: the views draw from one stateful seed generator (see augment_dataset).
    ds = ds.map(lambda b: ((views(b, training=True), views(b, training=True)), tf.zeros((tf.shape(b)[0],))))
    return ds.prefetch(tf.data.AUTOTUNE)


def pretrain_contrastive(bundle, unlabelled, *, epochs=3, batch_size=128, learning_rate=1e-3, temperature=0.1,
                         projection_dim=32, seed=0, verbose=0):
    """Pre-train ``bundle.encoder`` with SimCLR on pairs of augmented views; return ``bundle``.

    Diagram A7 with a contrastive pretext (keras.io's SimCLR example). The
    encoder is changed in place; the projection head is thrown away;
    ``bundle``'s head is not touched.

    >>> import numpy as np
    >>> from keras_recipes.zoo import vgg
    >>> x = np.random.default_rng(0).random((8, 8, 8, 1)).astype("float32")
    >>> bundle = pretrain_contrastive(vgg(input_shape=(8, 8, 1), width=4, depth=(1,)), x, epochs=1,
    ...                               batch_size=8)  # doctest: +SKIP

    Args:
        bundle: a ``ModelBundle`` whose encoder takes the images' shape.
        unlabelled: images ``(N, H, W, C)`` in [0, 1], N >= 2.
        epochs: 3. batch_size: 128 (the negatives: bigger is better, to
            a point). learning_rate: Adam's rate (1e-3).
        temperature: NT-Xent temperature (0.1). projection_dim: 32.
        seed: seed of the views and the shuffling (0).
        verbose: Keras ``fit`` verbosity (0).
    Returns:
        ``bundle``.
    """
    x = check_pretext_args(bundle, unlabelled, epochs=epochs, batch_size=batch_size,
                           learning_rate=learning_rate)
    if len(x) < 2:
        raise ValueError(f"contrastive learning needs at least 2 images (one batch of pairs); received {len(x)}")
    model = SimCLR(bundle.encoder, projection_dim=projection_dim, temperature=temperature)
    fit_pretext(model, view_pairs(x, batch_size=batch_size, seed=seed), epochs=epochs,
                learning_rate=learning_rate, verbose=verbose)
    return bundle
