"""Small shared helpers of the representation recipes: a default bundle, seeded training, accuracy."""

import keras
import numpy as np

from keras_recipes.checks import require_positive_int, require_positive_number


def default_bundle(input_shape, num_classes, *, width=16, pooling="flatten", seed=0):
    """A small VGG-style ``ModelBundle`` from the zoo (two groups), built after seeding.

    ``pooling="flatten"`` keeps where things are in the bottleneck (an
    average-pooled bottleneck is already partly translation invariant, which
    would hide what the invariance recipe teaches). BatchNorm momentum is
    set to 0.9: these recipes train for a few hundred steps, and Keras's 0.99
    leaves the moving statistics behind the weights (inference accuracy then
    lags training-mode accuracy by tens of points).
    """
    from keras_recipes.zoo import vgg

    keras.utils.set_random_seed(int(seed))
    bundle = vgg(input_shape=tuple(input_shape), num_classes=num_classes, width=width, depth=(1, 1),
                 pooling=pooling)
    fast_batchnorm(bundle.model)
    return bundle


def fast_batchnorm(model, momentum=0.9):
    """Set every BatchNormalization layer's momentum (0.9: short runs; see ``default_bundle``); returns ``model``."""
    from keras_recipes.bundle import walk_layers

    for layer in walk_layers(model):
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.momentum = momentum
    return model


def compile_classifier(model, learning_rate):
    """Adam + sparse cross-entropy on probabilities (the zoo's tasks end in softmax) + accuracy."""
    model.compile(keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def fit_epochs(model, x, y, *, epochs, learning_rate, batch_size=32, seed=0, augment=None, verbose=0):
    """Train ``model`` in place for ``epochs``; ``augment(x, epoch) -> x`` draws new inputs each epoch.

    Epoch ``k`` visits the examples in the order
    ``numpy.random.default_rng([seed, k]).permutation(n)``, so a run depends
    on ``seed`` alone. The epochs are laid end to end and fitted in one
    ``fit`` call (tiny labelled sets would otherwise pay Keras's per-call
    overhead hundreds of times).
    """
    require_positive_int("epochs", epochs)
    require_positive_number("learning_rate", learning_rate)
    compile_classifier(model, learning_rate)
    x = np.asarray(x, "float32")
    y = np.asarray(y)
    xs, ys = [], []
    for epoch in range(epochs):
        order = np.random.default_rng([int(seed), epoch]).permutation(len(x))
        x_epoch = x if augment is None else np.asarray(augment(x, epoch), "float32")
        xs.append(x_epoch[order])
        ys.append(y[order])
    model.fit(np.concatenate(xs), np.concatenate(ys), batch_size=batch_size, epochs=1, shuffle=False,
              verbose=verbose)
    return model


def accuracy(model, x, y, batch_size=256):
    """Top-1 accuracy of a classifier (probabilities or logits) on ``(x, y)``."""
    predicted = np.asarray(model.predict(np.asarray(x, "float32"), batch_size=batch_size, verbose=0))
    return float(np.mean(predicted.argmax(-1) == np.asarray(y)))
