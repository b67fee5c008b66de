namespace Runner.Tests.Statistics;

/// <summary>Published datasets with known results: R's sleep data and NIST's AtmWtAg, their reference values below.</summary>
public static class ReferenceData
{
    /// <summary>R's sleep data (Cushny and Peebles), pairs by patient ID.</summary>
    public static readonly double[] SleepGroup1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    public static readonly double[] SleepGroup2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

    /// <summary>NIST StRD AtmWtAg: atomic weight of silver from two instruments, 24 readings each.</summary>
    public static readonly double[] AtmWtAgInstrument1 =
    [
        107.8681568, 107.8681465, 107.8681572, 107.8681785, 107.8681446, 107.8681903, 107.8681526, 107.8681494,
        107.8681616, 107.8681587, 107.8681519, 107.8681486, 107.8681419, 107.8681569, 107.8681508, 107.8681672,
        107.8681385, 107.8681518, 107.8681662, 107.8681424, 107.8681360, 107.8681333, 107.8681610, 107.8681477,
    ];

    public static readonly double[] AtmWtAgInstrument2 =
    [
        107.8681079, 107.8681344, 107.8681513, 107.8681197, 107.8681604, 107.8681385, 107.8681642, 107.8681365,
        107.8681151, 107.8681082, 107.8681517, 107.8681448, 107.8681198, 107.8681482, 107.8681334, 107.8681609,
        107.8681101, 107.8681512, 107.8681469, 107.8681360, 107.8681254, 107.8681261, 107.8681450, 107.8681368,
    ];

    /// <summary>Benjamini and Hochberg (1995), the 15 p-values of their example.</summary>
    public static readonly double[] BenjaminiHochbergP =
        [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000];
}
