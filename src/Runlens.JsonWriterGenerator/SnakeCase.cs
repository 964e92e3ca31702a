using System.Globalization;
using System.Text;

namespace Runlens.JsonWriterGenerator;

/// <summary>System.Text.Json's <c>JsonNamingPolicy.SnakeCaseLower</c>, the same separator rules (an upper-case letter after a
/// lower-case letter or digit starts a word; in a run of capitals the last one starts a word when a lower-case letter
/// follows; spaces collapse to one separator; other characters are copied and reset the state).</summary>
internal static class SnakeCase
{
    private enum State
    {
        NotStarted,
        Upper,
        LowerOrDigit,
        Space,
    }

    public static string Convert(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        var state = State.NotStarted;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var category = char.GetUnicodeCategory(c);
            switch (category)
            {
                case UnicodeCategory.UppercaseLetter:
                    if (state is State.LowerOrDigit or State.Space
                        || (state == State.Upper && i + 1 < name.Length && char.IsLower(name[i + 1])))
                    {
                        sb.Append('_');
                    }

                    sb.Append(char.ToLowerInvariant(c));
                    state = State.Upper;
                    break;
                case UnicodeCategory.LowercaseLetter:
                case UnicodeCategory.DecimalDigitNumber:
                    if (state == State.Space)
                    {
                        sb.Append('_');
                    }

                    sb.Append(c);
                    state = State.LowerOrDigit;
                    break;
                case UnicodeCategory.SpaceSeparator:
                    if (state != State.NotStarted)
                    {
                        state = State.Space;
                    }

                    break;
                default:
                    sb.Append(c);
                    state = State.NotStarted;
                    break;
            }
        }

        return sb.ToString();
    }
}
