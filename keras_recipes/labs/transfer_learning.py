"""Checks for notebook 02, Transfer Learning: new task on cached bottleneck features, then fine-tune."""

from keras_recipes.labs.core import expect, passed, require_answer


def check_frozen(bundle):
    """Exercise 1: the encoder of ``bundle`` is frozen and its head still trains."""
    __tracebackhide__ = True
    hint = "freeze the stem and learner (the encoder door), not the head"
    require_answer(bundle, "bundle", hint)
    trainable = [w.path for w in bundle.encoder.trainable_weights]
    expect(not trainable, f"the encoder still has {len(trainable)} trainable weights "
           f"(e.g. {trainable[0] if trainable else ''}).", hint)
    expect(bundle.head.trainable_weights, "the head has no trainable weights: nothing would learn.",
           "only the encoder is frozen in step 1")
    passed(f"encoder frozen ({bundle.encoder.count_params():,} weights), head trains "
           f"({bundle.head.count_params():,} weights)")


def check_opened_blocks(names, bundle, last_blocks):
    """Exercise 2: which blocks of the base ``unfreeze(bundle, last_blocks=...)`` opens."""
    __tracebackhide__ = True
    from keras_recipes.transfer import base_blocks

    hint = "unfreezing goes from the top of the base (next to the bottleneck) down"
    require_answer(names, "opened_blocks", hint)
    blocks = [name for name, _ in base_blocks(bundle)]
    expected = set(blocks[-last_blocks:])
    expect(not isinstance(names, str), "opened_blocks must be a list of block names, not one string.",
           "put the names in a list")
    got = {str(n) for n in names}
    unknown = got - set(blocks)
    expect(not unknown, f"{sorted(unknown)} are not blocks of the base.", f"the blocks are {blocks}")
    expect(len(got) == last_blocks, f"opened_blocks holds {len(got)} blocks; last_blocks={last_blocks}.",
           "one name per unfrozen block")
    expect(got == expected, f"{sorted(got - expected)} stay frozen.", hint)
    passed(f"{sorted(expected)} open; the {len(blocks) - last_blocks} blocks below keep the source's features")


def check_fine_tune_rate(rate, head_rate):
    """Exercise 3: the fine-tuning step is about 10x smaller than the new task's step."""
    __tracebackhide__ = True
    hint = "the lecture fine-tunes with a smaller step than step 1, about ten times smaller"
    require_answer(rate, "fine_tune_rate", hint)
    expect(isinstance(rate, (int, float)) and rate > 0, f"fine_tune_rate must be a positive number; "
           f"received {rate!r}.", hint)
    expect(rate < head_rate, f"fine_tune_rate = {rate:g} is not smaller than step 1's {head_rate:g}: "
           "large updates would wipe out the transferred features.", hint)
    expect(head_rate / 30 <= rate <= head_rate / 3, f"fine_tune_rate = {rate:g} is "
           f"{head_rate / rate:.0f}x smaller than step 1's rate.", hint)
    passed(f"fine_tune_rate = {rate:g}, {head_rate / rate:.0f}x smaller than step 1")
