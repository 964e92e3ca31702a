namespace Runlens.Cli.Commands;

/// <summary>Where a command's report goes: standard output, or the <c>--out</c> file (with one line on stderr saying what
/// was written); and how wide and colourful a terminal view may be.</summary>
internal static class ReportOutput
{
    /// <summary>Whether the report goes to a terminal (no <c>--out</c>, stdout not redirected).</summary>
    public static bool ToTerminal(string? outFile) => outFile is null && !Console.IsOutputRedirected;

    /// <summary>Colour only on a terminal, and never with <c>NO_COLOR</c>.</summary>
    public static bool Color(string? outFile) => ToTerminal(outFile) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>The terminal's width on a terminal, else 160.</summary>
    public static int Width(string? outFile)
    {
        if (!ToTerminal(outFile))
        {
            return 160;
        }

        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 100;
        }
        catch (IOException)
        {
            return 100;
        }
    }

    /// <summary>Renders to stdout or to <paramref name="outFile"/>; <see cref="ExitCodes.BadInput"/> with one line on
    /// stderr when the file cannot be written.</summary>
    /// <param name="what">What is written, for the error (<c>report</c>, <c>comparison</c>).</param>
    /// <param name="written">The stderr line's details after the file was written, e.g. <c>2 runs, 5 findings</c>.</param>
    public static async Task<int> WriteAsync(string? outFile, Action<Stream> render, string what, string written)
    {
        if (outFile is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            render(stdout);
            return ExitCodes.Ok;
        }

        try
        {
            await using var file = File.Create(outFile);
            render(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"runlens: {outFile}: cannot write the {what}: {ex.Message}");
            return ExitCodes.BadInput;
        }

        await Console.Error.WriteLineAsync($"runlens: wrote {outFile} ({written})");
        return ExitCodes.Ok;
    }
}
