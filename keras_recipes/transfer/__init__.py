"""Transfer learning (theme folder, diagram A1): backbones by name, freeze / unfreeze, layer-wise rates, fine_tune.

Augmentation lives one floor down (``keras_recipes.augment``); the demo's
scratch-vs-transfer comparison lives in ``keras_recipes.demo``.

```python
from keras_recipes.datasets import load_digits
from keras_recipes.transfer import backbone, fine_tune
data = load_digits(image_size=32, classes=(5, 6, 7, 8, 9), labelled_fraction=0.2)
bundle = backbone("reference", num_classes=5)     # shipped, pretrained on digits 0-4
histories = fine_tune(bundle, data.train, data.validation)
```
"""

from keras_recipes.transfer.adapters import adapt_input
from keras_recipes.transfer.backbones import APPLICATIONS, WeightsUnavailableError, backbone
from keras_recipes.transfer.finetune import (
    FineTuneHistories, fine_tune, train_head, train_top,
)
from keras_recipes.transfer.freezing import (
    base_blocks, base_layers, block_name, freeze, recompile, unfreeze,
)
from keras_recipes.transfer.layerwise import LayerwiseOptimizer, layerwise_multipliers
from keras_recipes.transfer.preprocessing import ImagenetPreprocessing
from keras_recipes.transfer.reference import (
    ChecksumError, load_reference_backbone, reference_metadata, verify_backbone_file,
)

__all__ = [
    "APPLICATIONS", "ChecksumError", "FineTuneHistories", "ImagenetPreprocessing",
    "LayerwiseOptimizer", "WeightsUnavailableError", "adapt_input", "backbone", "base_blocks",
    "base_layers", "block_name", "fine_tune",
    "freeze", "layerwise_multipliers", "load_reference_backbone", "recompile",
    "reference_metadata", "train_head", "train_top", "unfreeze", "verify_backbone_file",
]
