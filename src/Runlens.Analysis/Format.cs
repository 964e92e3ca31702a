using System.Globalization;

namespace Runlens.Analysis;

/// <summary>Number formatting for finding titles and actions: invariant culture, short but exact enough.</summary>
public static class Format
{
    /// <summary>4 significant digits, no exponent for ordinary magnitudes; NaN/Infinity spelled out.</summary>
    public static string Number(double v)
    {
        if (double.IsNaN(v))
        {
            return "NaN";
        }

        if (double.IsInfinity(v))
        {
            return v > 0 ? "Infinity" : "-Infinity";
        }

        var a = Math.Abs(v);
        if (a != 0 && (a < 1e-4 || a >= 1e7))
        {
            return v.ToString("0.###e+0", CultureInfo.InvariantCulture);
        }

        return a >= 1000 ? v.ToString("0.#", CultureInfo.InvariantCulture) : v.ToString("G4", CultureInfo.InvariantCulture);
    }

    public static string Percent(double fraction) =>
        (fraction * 100).ToString(Math.Abs(fraction) >= 0.1 ? "0" : "0.#", CultureInfo.InvariantCulture) + "%";

    public static string Step(long step) => step.ToString("N0", CultureInfo.InvariantCulture);
}
