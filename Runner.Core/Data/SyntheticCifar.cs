namespace Runner.Core.Data;

/// <summary>
/// A small deterministic stand-in for CIFAR-10 for unit tests: each class has a smooth random colour
/// pattern, and each image is its class's pattern, shifted by a few pixels, plus noise. Learnable in a
/// few steps, and the same bytes for the same seed everywhere.
/// </summary>
public static class SyntheticCifar
{
    public static Cifar10 Generate(int trainCount, int testCount, int seed = 0)
    {
        var random = new Random(seed);
        var patterns = Enumerable.Range(0, Cifar10.Classes).Select(_ => Pattern(random)).ToArray();
        var (trainImages, trainLabels) = Images(trainCount, patterns, random);
        var (testImages, testLabels) = Images(testCount, patterns, random);
        return new Cifar10(trainImages, trainLabels, testImages, testLabels, $"synthetic (seed {seed})");
    }

    private static double[] Pattern(Random random)
    {
        // A few low-frequency waves per channel: a smooth, class-specific image.
        var pattern = new double[Cifar10.ImageBytes];
        for (var c = 0; c < 3; c++)
        {
            var (fx, fy, phase, amplitude) = (random.NextDouble() * 0.4, random.NextDouble() * 0.4, random.NextDouble() * 6.3, 40 + random.NextDouble() * 40);
            for (var y = 0; y < 32; y++)
                for (var x = 0; x < 32; x++)
                    pattern[c * 1024 + y * 32 + x] = 128 + amplitude * Math.Sin(fx * x + fy * y + phase);
        }
        return pattern;
    }

    private static (byte[] Images, byte[] Labels) Images(int count, double[][] patterns, Random random)
    {
        var images = new byte[count * Cifar10.ImageBytes];
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            var label = (byte)(i % Cifar10.Classes);
            labels[i] = label;
            var (dx, dy) = (random.Next(-2, 3), random.Next(-2, 3));
            for (var c = 0; c < 3; c++)
                for (var y = 0; y < 32; y++)
                    for (var x = 0; x < 32; x++)
                    {
                        var (sx, sy) = (Math.Clamp(x + dx, 0, 31), Math.Clamp(y + dy, 0, 31));
                        var value = patterns[label][c * 1024 + sy * 32 + sx] + (random.NextDouble() - 0.5) * 60;
                        images[i * Cifar10.ImageBytes + c * 1024 + y * 32 + x] = (byte)Math.Clamp(value, 0, 255);
                    }
        }
        return (images, labels);
    }
}
