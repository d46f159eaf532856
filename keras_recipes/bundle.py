"""The three-door model bundle: input -> bottleneck -> output.

Lecture diagram A1 (Transfer Learning) and the "bottleneck" slides of seeds
001/003: a network with several entry and exit points that share weights, so
that frozen layers need not be recomputed and a new task can be attached at
the bottleneck.
"""

from dataclasses import dataclass, field

import keras

ENCODER_NAME = "encoder"
HEAD_NAME = "head"
MODALITY_PREFIX = "encoder_"  # a fusion model's per-modality encoders: encoder_<modality>


def walk_layers(model, *, containers=False):
    """Every layer of ``model`` in build order, nested models flattened (depth first).

    The one walk over nested models that freezing, the update/weight ratio
    monitor and the cache fingerprint share. A nested ``keras.Model`` (the
    encoder and head of a bundle, an application inside a backbone) is
    descended into; with ``containers=True`` it is also yielded itself,
    before its layers.

    >>> inputs = keras.Input((2,))
    >>> inner = keras.Sequential([keras.layers.Dense(3, name="d1")], name="inner")
    >>> outer = keras.Model(inputs, keras.layers.Dense(1, name="d2")(inner(inputs)))
    >>> [layer.name for layer in walk_layers(outer) if layer.weights]
    ['d1', 'd2']
    """
    for layer in getattr(model, "layers", ()):
        if isinstance(layer, keras.Model):
            if containers:
                yield layer
            yield from walk_layers(layer, containers=containers)
        else:
            yield layer


@dataclass(frozen=True)
class ModelBundle:
    """Three functional views of one network that share layers and weights.

    * ``model``:   input -> output (train / predict end to end)
    * ``encoder``: input -> bottleneck (feature extraction, caching)
    * ``head``:    bottleneck -> output (train on cached features)

    ``model`` is ``head(encoder(input))``: the encoder and the head are nested
    inside it as the layers named ``"encoder"`` and ``"head"``, so training
    any view trains the same variables, and a saved ``model`` carries both
    doors with it.

    Example:

    ```python
    import keras, numpy as np
    from keras_recipes import ModelBundle, Classifier

    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(8, 3, activation="relu")(inputs)
    encoder = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(x))
    bundle = ModelBundle.assemble(encoder, Classifier(num_classes=3))
    x = np.zeros((2, 8, 8, 1), "float32")
    np.testing.assert_allclose(
        bundle.head(bundle.encoder(x)), bundle.model(x), atol=1e-6)
    bundle.model.save("/tmp/m.keras")
    again = ModelBundle.from_model(keras.saving.load_model("/tmp/m.keras"))
    ```
    """

    model: keras.Model
    encoder: keras.Model
    head: keras.Model

    @classmethod
    def assemble(cls, encoder, task, name="model"):
        """Attach ``task`` (a Task or a dict name -> Task) to ``encoder``'s bottleneck.

        Args:
            encoder: a ``keras.Model`` with one input and one output (the
                bottleneck). A model with another name is re-wrapped (same
                layers, same weights) as a functional model named ``"encoder"``.
            task: a ``keras_recipes.tasks`` Task, or a dict of them for
                several named heads at once.
            name: name of the end-to-end model.
        """
        from keras_recipes.tasks import build_head

        if not isinstance(encoder, keras.Model):
            raise TypeError(
                f"encoder must be a keras.Model, received: {type(encoder).__name__}"
            )
        if len(encoder.inputs) != 1 or len(encoder.outputs) != 1:
            raise ValueError(
                "encoder must have exactly one input and one output (the bottleneck); "
                f"received {len(encoder.inputs)} inputs and {len(encoder.outputs)} outputs"
            )
        if encoder.name != ENCODER_NAME:
            encoder = keras.Model(encoder.inputs[0], encoder.outputs[0], name=ENCODER_NAME)
        head = build_head(tuple(encoder.output.shape[1:]), task)
        return cls._wire(encoder, head, name)

    @classmethod
    def from_model(cls, model):
        """Recover the three doors from an end-to-end model (e.g. after ``load_model``).

        Raises ``ValueError`` if ``model`` was not built by ``assemble``.
        """
        names = [layer.name for layer in model.layers]
        missing = [n for n in (ENCODER_NAME, HEAD_NAME) if n not in names]
        if missing:
            raise ValueError(
                f"model {model.name!r} has no nested {' or '.join(map(repr, missing))} "
                f"model; it was not built by ModelBundle.assemble. Its layers: {names}"
            )
        return _bundle(model, model.get_layer(ENCODER_NAME), model.get_layer(HEAD_NAME))

    def with_task(self, task, name=None):
        """A new bundle sharing this encoder (same weights) with a freshly built ``task``.

        This is the transfer-learning move of diagram A1: keep the stem and
        learner, drop the old task, attach a new one at the bottleneck.
        """
        from keras_recipes.tasks import build_head

        head = build_head(self.bottleneck_shape, task)
        return self._wire(self.encoder, head, name or self.model.name)

    @staticmethod
    def _wire(encoder, head, name):
        inputs = keras.Input(shape=encoder.input.shape[1:], name="image")
        outputs = head(encoder(inputs))
        return _bundle(keras.Model(inputs, outputs, name=name), encoder, head)

    def plot(self, path=None, title=None):
        """Draw this bundle as the lecture does: stem, learner groups, bottleneck, task, three doors.

        Same as ``keras_recipes.plots.plot_bundle(self, path, title)``; returns the Figure.
        """
        from keras_recipes.plots import plot_bundle

        return plot_bundle(self, path=path, title=title)

    @property
    def bottleneck_shape(self):
        """Shape of one bottleneck feature (without the batch axis)."""
        return tuple(self.encoder.output.shape[1:])


@dataclass(frozen=True)
class MultiTaskBundle(ModelBundle):
    """A bundle with one head per task: ``heads`` (a dict by task name) beside the three doors.

    Seed 001, "Multi-task learning parameter sharing": the ``encoder`` ends at
    the shared bottleneck (hard sharing: one tensor) or at one bottleneck per
    task (soft sharing, cross-stitch: a dict by task name); ``head`` maps the
    bottleneck(s) to a dict of outputs; ``heads[task]`` is that task's view
    (its bottleneck -> its output) on the same layers. ``ModelBundle.assemble``
    with a dict of tasks and ``ModelBundle.from_model`` on a model whose head
    outputs a dict both give a ``MultiTaskBundle``; a single-task bundle stays
    a plain ``ModelBundle``.

    >>> import keras
    >>> from keras_recipes.tasks import Classifier, Regressor
    >>> inputs = keras.Input((8, 8, 1))
    >>> encoder = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(inputs))
    >>> bundle = ModelBundle.assemble(encoder, {"digit": Classifier(10), "ink": Regressor(1)})
    >>> sorted(bundle.heads), bundle.heads["ink"].output.shape
    (['digit', 'ink'], (None, 1))

    Attributes:
        heads: ``{task: keras.Model}``, each task's head as its own model
            (sharing weights with ``head`` and ``model``).
    """

    heads: dict = field(default_factory=dict)

    @property
    def tasks(self):
        """The task names, in the order of the head's outputs."""
        return tuple(self.heads)

    def with_task(self, task, name=None):
        """A new bundle on this encoder with a fresh ``task`` (shared bottleneck only).

        Raises ``ValueError`` for an encoder with one bottleneck per task,
        where there is no single bottleneck to attach a new head to.
        """
        if isinstance(self.encoder.output, dict):
            raise ValueError(
                "with_task needs one shared bottleneck; this encoder has one per task "
                f"({sorted(self.encoder.output)}): attach a head to one of them instead, "
                "e.g. keras.Model(bundle.encoder.input, bundle.encoder.output[task])")
        return super().with_task(task, name)

    @property
    def bottleneck_shape(self):
        """One shape (shared bottleneck) or ``{task: shape}`` (one bottleneck per task)."""
        output = self.encoder.output
        if isinstance(output, dict):
            return {task: tuple(t.shape[1:]) for task, t in output.items()}
        return tuple(output.shape[1:])


def task_head_views(head):
    """``{task: model}``: each output of a dict-output ``head`` as its own model.

    A nested model named ``head_<task>`` (as the multi-task builders make)
    is that task's head; otherwise the view runs from the head's input (a
    shared bottleneck, or the input of that name when the head takes a dict
    by task) to the task's output. Either way the views share the head's
    layers (no copy).
    """
    names = {layer.name for layer in head.layers}
    inputs = head.input
    return {
        task: head.get_layer(f"{HEAD_NAME}_{task}") if f"{HEAD_NAME}_{task}" in names else
        keras.Model(inputs[task] if isinstance(inputs, dict) else inputs, output, name=f"{HEAD_NAME}_{task}")
        for task, output in head.output.items()
    }


@dataclass(frozen=True)
class FusionBundle(ModelBundle):
    """A ``ModelBundle`` whose input is a dict of modalities, plus ``encoders`` by modality.

    Seed 001, "Multi-modal Review": what the fusion builders of
    ``keras_recipes.multitask`` (early, intermediate, late, MFAS) return.

    * ``model``:    ``{modality: x}`` -> output (train / predict end to end)
    * ``encoder``:  ``{modality: x}`` -> the fused bottleneck (late fusion:
      the list of per-modality bottlenecks, in ``modalities`` order)
    * ``head``:     fused bottleneck -> output
    * ``encoders``: ``{modality: keras.Model}``, that modality's own encoder
      (input -> its bottleneck), nested inside ``encoder`` (same weights)

    ``ModelBundle.from_model`` on a saved fusion model gives a
    ``FusionBundle`` by itself: it finds the nested ``encoder_<modality>``
    models.

    >>> from keras_recipes.multitask import intermediate_fusion
    >>> bundle = intermediate_fusion({"image": (4, 8, 1), "profile": (12,)}, 10, width=4)
    >>> again = ModelBundle.from_model(bundle.model)
    >>> type(again).__name__, again.modalities
    ('FusionBundle', ('image', 'profile'))
    """

    # A default and keyword construction, so that fields ModelBundle may gain (with
    # defaults) never shift this one.
    encoders: dict = field(default_factory=dict)

    @property
    def modalities(self):
        """The modality names, in the order the fusion uses them."""
        return tuple(self.encoders)

    @classmethod
    def from_model(cls, model):
        """``ModelBundle.from_model``, raising ``ValueError`` unless ``model`` is a fusion model."""
        bundle = ModelBundle.from_model(model)
        if not isinstance(bundle, FusionBundle):
            raise ValueError(f"model {model.name!r} has no nested {MODALITY_PREFIX}<modality> "
                             "encoders; it was not built by a fusion builder")
        return bundle

    @classmethod
    def wire(cls, inputs, encoders, bottleneck, head, name):
        """Close the fused encoder on ``inputs`` and attach ``head``: the three usual doors."""
        encoder = keras.Model(inputs, bottleneck, name=ENCODER_NAME)
        outer = {m: keras.Input(shape=x.shape[1:], name=m) for m, x in inputs.items()}
        model = keras.Model(outer, head(encoder(outer)), name=name)
        return cls(model=model, encoder=encoder, head=head, encoders=dict(encoders))


def _modality_encoders(encoder):
    """``{modality: model}``: the nested ``encoder_<modality>`` models of a fusion ``encoder``."""
    return {layer.name[len(MODALITY_PREFIX):]: layer for layer in encoder.layers
            if isinstance(layer, keras.Model) and layer.name.startswith(MODALITY_PREFIX)}


def _bundle(model, encoder, head):
    """A ``MultiTaskBundle`` when the head outputs a dict by task, a ``FusionBundle`` when the
    encoder takes a dict of modalities through nested ``encoder_<modality>`` models, else a
    ``ModelBundle``."""
    if isinstance(head.output, dict):
        return MultiTaskBundle(model, encoder, head, task_head_views(head))
    encoders = _modality_encoders(encoder) if isinstance(encoder.input, dict) else {}
    if encoders:
        return FusionBundle(model=model, encoder=encoder, head=head, encoders=encoders)
    return ModelBundle(model, encoder, head)
