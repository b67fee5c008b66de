using Runner.Core.Recipes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Runner.Core.Training;

/// <summary>
/// Page's ResNet-9 (docs/recipe.md): prep → layer1 (+residual) → layer2 → layer3 (+residual) → global
/// max-pool → linear (no bias) → × output scale. Widths 64/128/256/512 times the recipe's multiplier.
/// With whitening the prep conv is a fixed 3×3 whitening conv (3→27) and a learnable 1×1 conv.
/// </summary>
public sealed class ResNet9 : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d? whiten;
    private readonly Conv2d? prep_1x1;
    private readonly GhostBatchNorm? prep_bn;
    private readonly ConvBlock? prep;
    private readonly ConvBlock layer1;
    private readonly Residual layer1_residual;
    private readonly ConvBlock layer2;
    private readonly ConvBlock layer3;
    private readonly Residual layer3_residual;
    private readonly Linear classifier;
    private readonly double _outputScale;
    private readonly Func<Tensor, Tensor> _activation;

    /// <param name="whiteningFilter">27×3×3×3 filters when the recipe whitens (see <see cref="Whitening.Filter"/>).</param>
    public ResNet9(Recipe recipe, Tensor? whiteningFilter = null) : base(nameof(ResNet9))
    {
        var c = recipe.Channels;
        if (recipe.Whitening)
        {
            ArgumentNullException.ThrowIfNull(whiteningFilter);
            whiten = nn.Conv2d(3, 27, 3, padding: 1, bias: false);
            using (no_grad())
                whiten.weight!.copy_(whiteningFilter);
            whiten.weight!.requires_grad = false;
            prep_1x1 = nn.Conv2d(27, c[0], 1, bias: false);
            prep_bn = new GhostBatchNorm(c[0], recipe.GhostBatchNormSplits, recipe.FrozenBatchNormScales, recipe.BatchNormMomentum, recipe.BatchNormEpsilon);
        }
        else
        {
            prep = new ConvBlock(3, c[0], false, recipe);
        }
        layer1 = new ConvBlock(c[0], c[1], true, recipe);
        layer1_residual = new Residual(c[1], recipe);
        layer2 = new ConvBlock(c[1], c[2], true, recipe);
        layer3 = new ConvBlock(c[2], c[3], true, recipe);
        layer3_residual = new Residual(c[3], recipe);
        classifier = nn.Linear(c[3], 10, hasBias: false);
        _outputScale = recipe.OutputScale;
        _activation = ConvBlock.Activation(recipe);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = prep is not null ? prep.forward(x) : _activation(prep_bn!.forward(prep_1x1!.forward(whiten!.forward(x))));
        x = layer1_residual.forward(layer1.forward(x));
        x = layer2.forward(x);
        x = layer3_residual.forward(layer3.forward(x));
        x = F.max_pool2d(x, 4).flatten(1);
        return classifier.forward(x) * _outputScale;
    }
}
