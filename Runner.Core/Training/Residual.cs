using Runner.Core.Recipes;
using TorchSharp;
using static TorchSharp.torch;

namespace Runner.Core.Training;

/// <summary>x + res2(res1(x)), two unpooled conv blocks; no activation after the sum.</summary>
public sealed class Residual : nn.Module<Tensor, Tensor>
{
    private readonly ConvBlock res1;
    private readonly ConvBlock res2;

    public Residual(long channels, Recipe recipe) : base(nameof(Residual))
    {
        res1 = new ConvBlock(channels, channels, false, recipe);
        res2 = new ConvBlock(channels, channels, false, recipe);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => x + res2.forward(res1.forward(x));
}
