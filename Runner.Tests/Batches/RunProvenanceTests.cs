using Runner.Core.Batches;
using Runner.Core.Recipes;

namespace Runner.Tests.Batches;

public sealed class RunProvenanceTests
{
    [Fact]
    public void An_analysis_says_when_an_arm_mixes_devices_or_precisions_and_when_arms_differ()
    {
        var notes = RunProvenance.Notes([
            new("base", "NVIDIA H100", Precision.Fp16, 10), new("no-ema", "NVIDIA H100", Precision.Fp16, 6), new("no-ema", "NVIDIA H100", Precision.Fp32, 4)]);

        Assert.Equal(2, notes.Count);
        Assert.Equal("Arm no-ema ran on NVIDIA H100 in fp16 (6 runs) and NVIDIA H100 in fp32 (4 runs): its spread includes the differences between them.", notes[0]);
        Assert.StartsWith("The arms did not all run on the same devices and precisions (base: NVIDIA H100, fp16; no-ema: NVIDIA H100, fp16 + NVIDIA H100, fp32)", notes[1]);
        Assert.Empty(RunProvenance.Notes([new("base", "cpu", Precision.Fp32, 3), new("no-ema", "cpu", Precision.Fp32, 3)]));
    }
}
