using System.Globalization;

namespace Runlens.Model;

/// <summary>One configuration value: a number, a boolean, a string or null, with its text as written.</summary>
public readonly record struct ConfigValue
{
    private ConfigValue(ConfigValueKind kind, string text, double number, bool boolean)
    {
        Kind = kind;
        Text = text;
        Number = number;
        Boolean = boolean;
    }

    public ConfigValueKind Kind { get; }

    public string Text { get; }

    public double Number { get; }

    public bool Boolean { get; }

    public static ConfigValue Null => new(ConfigValueKind.Null, "null", double.NaN, false);

    public static ConfigValue Of(string text) => new(ConfigValueKind.String, text, double.NaN, false);

    public static ConfigValue Of(double number) =>
        new(ConfigValueKind.Number, number.ToString("R", CultureInfo.InvariantCulture), number, false);

    public static ConfigValue Of(bool boolean) => new(ConfigValueKind.Boolean, boolean ? "true" : "false", double.NaN, boolean);

    /// <summary>Parses text as written in YAML/params files: numbers and booleans become typed, the rest stays a string.</summary>
    public static ConfigValue Parse(string? text)
    {
        if (text is null)
        {
            return Null;
        }

        var t = text.Trim();
        if (t.Length == 0)
        {
            return Of(text);
        }

        if (t is "null" or "None" or "~")
        {
            return Null;
        }

        if (t is "true" or "True")
        {
            return Of(true);
        }

        if (t is "false" or "False")
        {
            return Of(false);
        }

        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return new ConfigValue(ConfigValueKind.Number, t, d, false);
        }

        return Of(text);
    }

    public double? AsNumber() => Kind == ConfigValueKind.Number ? Number : null;

    public override string ToString() => Text;
}

public enum ConfigValueKind
{
    Null,
    String,
    Number,
    Boolean,
}
