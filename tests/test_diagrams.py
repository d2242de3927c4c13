"""The lecture's diagrams (utils.diagrams): each is a figure whose boxes say what they should."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure
from torch import nn

from utils import diagrams

# -- autoencoders (chapter 2) -------------------------------------------------------------


def texts(fig: Figure) -> str:
    """Return every piece of text drawn on ``fig``, one per line."""
    return "\n".join(t.get_text() for ax in fig.axes for t in ax.texts)


class LectureDenoiser(nn.Module):
    """The lecture's denoiser, layer by layer (LECTURE_FACTS, section 2.2)."""

    def __init__(self, code_channels: int = 8) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)),
            nn.Sequential(nn.Conv2d(32, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)),
            nn.Sequential(
                nn.Conv2d(16, code_channels, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)
            ),
        )
        self.decoder = nn.Sequential(
            nn.Sequential(nn.ConvTranspose2d(code_channels, 8, 3, stride=2), nn.ReLU()),
            nn.Sequential(nn.ConvTranspose2d(8, 16, 2, stride=2), nn.ReLU()),
            nn.Sequential(nn.ConvTranspose2d(16, 32, 2, stride=2), nn.ReLU()),
            nn.Conv2d(32, 1, 3, padding=1),
            nn.Sigmoid(),
        )


def test_autoencoder_diagram_names_every_part_and_the_loss():
    fig = diagrams.draw_autoencoder()
    assert isinstance(fig, Figure)
    text = texts(fig)
    for part in ("input", "encoder", "code", "bottleneck", "decoder", "reconstruction"):
        assert part in text
    assert "MSE" in text and "numbers" not in text
    assert "encoder" in fig.get_label()  # the alt text a page can reuse


def test_autoencoder_diagram_with_sizes_counts_the_numbers_in_input_and_code():
    text = texts(diagrams.draw_autoencoder(input_size=784, code_size=72))
    assert text.count("784 numbers") == 2  # the input and its reconstruction
    assert "72 numbers" in text


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"input_size": 784}, ValueError, "code_size must be an int when input_size"),
        ({"code_size": 72}, ValueError, "input_size must be an int when code_size"),
        ({"input_size": 784, "code_size": 784}, ValueError, "code_size must be an int"),
        ({"input_size": 784, "code_size": 0}, ValueError, "code_size must be an int"),
        ({"input_size": 7.5, "code_size": 2}, TypeError, "input_size must be an int"),
    ],
)
def test_autoencoder_diagram_refuses_sizes_that_make_no_bottleneck(
    kwargs, error, words
):
    with pytest.raises(error, match=words):
        diagrams.draw_autoencoder(**kwargs)


def test_denoiser_diagram_shows_the_lectures_shapes_and_layers():
    fig = diagrams.draw_conv_autoencoder(LectureDenoiser())
    assert isinstance(fig, Figure)
    text = texts(fig)
    # LECTURE_FACTS: 28 -> 14 -> 7 -> 3 and back, channels 1 -> 32 -> 16 -> 8 and back
    shapes = ["1×28×28", "32×14×14", "16×7×7", "8×3×3", "8×7×7", "16×14×14", "32×28×28"]
    for shape in shapes:
        assert shape in text, shape
    assert text.count("1×28×28") == 2  # the input and the output
    assert "72 numbers" in text  # the code: 8 x 3 x 3
    assert text.count("conv 3×3, pad 1\nReLU, max-pool 2") == 3
    assert "conv-T 3×3, stride 2\nReLU" in text
    assert text.count("conv-T 2×2, stride 2\nReLU") == 2
    assert "conv 3×3, pad 1\nsigmoid" in text  # the sigmoid joins the last convolution
    assert fig.get_label().endswith("8x3x3 -> 8x7x7 -> 16x14x14 -> 32x28x28 -> 1x28x28")


def test_denoiser_diagram_follows_the_model_it_is_given():
    text = texts(diagrams.draw_conv_autoencoder(LectureDenoiser(code_channels=2)))
    assert "2×3×3 = 18 numbers" in text and "8×3×3" not in text


def test_denoiser_diagram_leaves_the_model_unchanged():
    model = LectureDenoiser().train()
    before = [p.detach().clone() for p in model.parameters()]
    diagrams.draw_conv_autoencoder(model)
    assert model.training
    assert all((a == b).all() for a, b in zip(before, model.parameters()))


@pytest.mark.parametrize(
    "args, error, words",
    [
        (
            (nn.Linear(3, 2),),
            TypeError,
            "model must be an nn.Module with nn.Sequential",
        ),
        (("model",), TypeError, "model must be an nn.Module"),
        ((LectureDenoiser(), (28, 28)), ValueError, "input_shape must be"),
        ((LectureDenoiser(), [1, 28, 28]), ValueError, "input_shape must be"),
        ((LectureDenoiser(), (1, 0, 28)), ValueError, "input_shape must be"),
    ],
)
def test_denoiser_diagram_refuses_what_it_cannot_draw(args, error, words):
    with pytest.raises(error, match=words):
        diagrams.draw_conv_autoencoder(*args)
