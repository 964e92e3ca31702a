namespace Runlens.Fuzzing;

/// <summary>
/// One input reader under fuzzing: its name (the folder of its corpus, <c>fuzz/corpus/NAME</c>), what it reads, the
/// exception types its documentation names for bad input, and how one input is fed to it.
/// </summary>
/// <param name="Documented">A refusal of one of these types is the documented answer to bad input; anything else that
/// escapes (or a hang) is a finding.</param>
internal sealed record FuzzTarget(string Name, string Reads, IReadOnlyList<Type> Documented, Action<byte[]> Run)
{
    /// <summary>Feeds one input: null when it was read, the documented refusal when it was refused; any other exception
    /// escapes (AFL++ records it as a crash).</summary>
    public Exception? Feed(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            Run(input);
            return null;
        }
        catch (Exception ex) when (Documented.Any(t => t.IsInstanceOfType(ex)))
        {
            return ex;
        }
    }
}
