using Runner.Core.Recipes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Runner.Core.Training;

/// <summary>
/// conv3×3 (no bias) → batch norm → activation, with an optional 2×2 max-pool placed as the recipe says; the conv
/// starts as the identity on its first in-channels filters when the recipe says dirac.
/// </summary>
public sealed class ConvBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly GhostBatchNorm bn;
    private readonly bool _pool;
    private readonly PoolPlacement _placement;
    private readonly Func<Tensor, Tensor> _activation;

    public ConvBlock(long inChannels, long outChannels, bool pool, Recipe recipe) : base(nameof(ConvBlock))
    {
        conv = nn.Conv2d(inChannels, outChannels, 3, padding: 1, bias: false);
        if (recipe.DiracInit)
            Dirac(conv);
        bn = new GhostBatchNorm(outChannels, recipe.GhostBatchNormSplits, recipe.FrozenBatchNormScales, recipe.BatchNormMomentum, recipe.BatchNormEpsilon);
        (_pool, _placement, _activation) = (pool, recipe.Pool, Activation(recipe));
        RegisterComponents();
    }

    public static Func<Tensor, Tensor> Activation(Recipe recipe) => recipe.Activation switch
    {
        Recipes.Activation.Celu => x => F.celu(x, recipe.CeluAlpha),
        Recipes.Activation.Gelu => x => F.gelu(x),
        _ => x => F.relu(x),
    };

    /// <summary>airbench's partial identity: the first in-channels filters become dirac deltas (the others keep their default initialisation).</summary>
    public static void Dirac(Conv2d conv)
    {
        using var _ = no_grad();
        var weight = conv.weight!;
        nn.init.dirac_(weight.narrow(0, 0, Math.Min(weight.shape[0], weight.shape[1])));
    }

    public override Tensor forward(Tensor x)
    {
        x = conv.forward(x);
        if (!_pool)
            return _activation(bn.forward(x));
        return _placement switch
        {
            PoolPlacement.AfterActivation => F.max_pool2d(_activation(bn.forward(x)), 2),
            PoolPlacement.BeforeActivation => _activation(F.max_pool2d(bn.forward(x), 2)),
            _ => _activation(bn.forward(F.max_pool2d(x, 2))),
        };
    }
}
