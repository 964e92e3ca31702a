namespace Runlens.Storage;

/// <summary>A name or value that is not well-formed Unicode text (a lone surrogate, say): refused before anything of the
/// write is stored, since neither backend could keep it as it was sent.</summary>
public sealed class InvalidTextException : StoreException
{
    public InvalidTextException(string message)
        : base(message)
    {
    }

    /// <summary>Throws when <paramref name="value"/> holds a lone surrogate; <paramref name="what"/> names the field.</summary>
    public static void Check(string? value, string what)
    {
        if (value is not null && FirstLone(value) is var at and >= 0)
        {
            throw new InvalidTextException($"{what} is not valid Unicode text (a lone surrogate at character {at}); send well-formed UTF-8");
        }
    }

    private static int FirstLone(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
