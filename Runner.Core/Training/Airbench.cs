using Runner.Core.Recipes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Runner.Core.Training;

/// <summary>
/// airbench94's network (docs/recipe.md, "airbench94"): a 2×2 whitening conv (3→24, no padding, bias) → activation,
/// three conv groups (conv → pool → BN → act → conv → BN → act, as <see cref="ConvBlock"/>s) of widths 64/256/256 times
/// the recipe's multiplier, a 3×3 max-pool, a linear layer without bias, × the output scale. No residuals.
/// </summary>
public sealed class Airbench : nn.Module<Tensor, Tensor>
{
    /// <summary>The whitening conv's out-channels: the 12 filters of the 2×2×3 patches and their negations.</summary>
    public const int WhiteningWidth = 2 * 3 * 2 * 2;

    private readonly Conv2d whiten;
    private readonly ModuleList<ConvBlock> layers;
    private readonly Linear classifier;
    private readonly double _outputScale;
    private readonly Func<Tensor, Tensor> _activation;

    /// <summary>
    /// The network at its initialisation: default init, the conv biases at zero, dirac where the recipe says (the
    /// whitening conv's too, as the reference's); <see cref="Whiten"/> then sets the whitening filters, frozen.
    /// </summary>
    public Airbench(Recipe recipe) : base(nameof(Airbench))
    {
        var c = recipe.Channels;
        whiten = nn.Conv2d(3, WhiteningWidth, 2, stride: 1, padding: 0L, bias: true);
        using (no_grad())
            whiten.bias!.zero_();
        if (recipe.DiracInit)
            ConvBlock.Dirac(whiten);
        var blocks = new List<ConvBlock>();
        var width = (long)WhiteningWidth;
        foreach (var channels in c)
        {
            blocks.Add(new ConvBlock(width, channels, pool: true, recipe));
            blocks.Add(new ConvBlock(channels, channels, pool: false, recipe));
            width = channels;
        }
        layers = nn.ModuleList(blocks.ToArray());
        classifier = nn.Linear(width, 10, hasBias: false);
        _outputScale = recipe.OutputScale;
        _activation = ConvBlock.Activation(recipe);
        RegisterComponents();
    }

    /// <summary>The whitening conv's bias, which trains only for the recipe's first whitening-bias epochs.</summary>
    public Parameter WhiteningBias => whiten.bias!;

    /// <summary>Sets the 24 whitening filters (<see cref="Whitening.PatchFilters"/>) and freezes them.</summary>
    public void Whiten(Tensor filters)
    {
        using (no_grad())
            whiten.weight!.copy_(filters);
        whiten.weight!.requires_grad = false;
    }

    public override Tensor forward(Tensor x)
    {
        x = _activation(whiten.forward(x));
        foreach (var layer in layers)
            x = layer.forward(x);
        x = F.max_pool2d(x, 3).flatten(1);
        return classifier.forward(x) * _outputScale;
    }
}
