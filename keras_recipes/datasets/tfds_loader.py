"""A TensorFlow Datasets loader that never reaches the network by surprise."""


class DatasetUnavailableError(RuntimeError):
    """A TFDS dataset is not on disk and could not (or may not) be downloaded."""


OFFLINE_HINT = (
    "This package's embedded data need no network: use "
    "keras_recipes.datasets.load_digits() or load_shapes(). To use {name!r}, run "
    "load_tfds({name!r}, download=True) once on a machine with network access and "
    "pass the same data_dir= here."
)


def load_tfds(name, split="train", *, data_dir=None, download=False, as_supervised=True,
              **as_dataset_kwargs):
    """``tfds`` dataset ``name`` as a ``tf.data.Dataset``, offline unless asked.

    By default (``download=False``) the data must already be prepared in
    ``data_dir``; otherwise ``DatasetUnavailableError`` explains what to do
    instead of attempting a download. With ``download=True`` a failed
    download is reported the same way, with the original error chained.

    ```python
    from keras_recipes.datasets import load_tfds
    ds = load_tfds("mnist", "train", data_dir="~/tensorflow_datasets")
    ```

    Args:
        name: a registered TFDS name, e.g. ``"mnist"`` or ``"cifar10:3.0.2"``.
        split: TFDS split string, e.g. ``"train[:10%]"``.
        data_dir: where prepared TFDS data live (TFDS's default if None).
        download: allow ``download_and_prepare`` (network) when not prepared.
        as_supervised: yield ``(image, label)`` tuples.
        **as_dataset_kwargs: passed to ``builder.as_dataset``.
    Raises:
        ValueError: unknown dataset name.
        DatasetUnavailableError: not prepared locally and not downloadable.
    """
    import tensorflow_datasets as tfds

    try:
        builder = tfds.builder(name, data_dir=data_dir)
    except tfds.core.registered.DatasetNotFoundError as err:
        import difflib

        close = difflib.get_close_matches(name.split(":")[0], tfds.list_builders(), n=5)
        raise ValueError(
            f"name={name!r} is not a registered TFDS dataset; close matches: {close} "
            "(tfds.list_builders() lists all)"
        ) from err
    if not builder.is_prepared():
        where = builder.data_dir
        if not download:
            raise DatasetUnavailableError(
                f"TFDS dataset {name!r} is not prepared in {where} and download=False. "
                + OFFLINE_HINT.format(name=name)
            )
        try:
            builder.download_and_prepare()
        except Exception as err:  # re-raised with advice, original chained
            raise DatasetUnavailableError(
                f"could not download TFDS dataset {name!r} into {where} "
                f"({type(err).__name__}: {err}). " + OFFLINE_HINT.format(name=name)
            ) from err
    return builder.as_dataset(split=split, as_supervised=as_supervised, **as_dataset_kwargs)
