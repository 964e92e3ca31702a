namespace Runlens.Analysis.Signals;

/// <summary>
/// <see cref="double.IsFinite"/> as plain arithmetic: a finite value minus itself is zero, an infinity or NaN gives NaN.
/// ReadyToRun code cannot inline the framework's method (it is outside this assembly's version bubble), so each check in
/// a loop over a million points was a call through a stub; this one compiles into the loop.
/// </summary>
internal static class Finite
{
    public static bool Is(double d) => d - d == 0;
}
