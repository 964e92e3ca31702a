namespace Runlens.Cli.Commands;

/// <summary>Exit codes are API: they never change meaning.</summary>
internal static class ExitCodes
{
    /// <summary>The command ran (whatever it found).</summary>
    public const int Ok = 0;

    /// <summary>Wrong usage (unknown option, bad value).</summary>
    public const int Usage = 1;

    /// <summary>Unusable input: one line on stderr says which file, where, why, and what to do.</summary>
    public const int BadInput = 2;
}
