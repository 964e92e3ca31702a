using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runlens.Import.Core;

namespace Runlens.Tests.Import.Core;

/// <summary>The one reader of JSON as Python's json module writes it, in both of its ways in (a tree, a stream).</summary>
public sealed class PythonJsonTests
{
    // what json.dumps({"a": float("nan"), "b": float("inf"), "c": -float("inf"), "s": "NaN", "big": 2**64}) prints
    private const string PythonDump = """{"a": NaN, "b": Infinity, "c": -Infinity, "s": "NaN", "big": 18446744073709551616}""";

    [Fact]
    public void Reads_every_number_to_the_same_double_as_the_json_reader_does()
    {
        // fast_float takes the common finite numbers; each must be the very double Utf8JsonReader (and double.Parse) gives
        var rng = new Random(11);
        var texts = new List<string> { "0", "-0", "1e308", "1.7976931348623157e308", "4.9e-324", "2.2250738585072011e-308", "1e400", "-1e400",
            "0.1000000000000000055511151231257827021181583404541015625", "123456789012345678901234567890", "9007199254740993", "1E-5", "5e-05" };
        for (var i = 0; i < 20_000; i++)
        {
            var bits = BitConverter.Int64BitsToDouble(rng.NextInt64());
            var v = double.IsFinite(bits) ? bits : rng.NextDouble();
            texts.Add(v.ToString(i % 3 == 0 ? "R" : i % 3 == 1 ? "E10" : "G17", System.Globalization.CultureInfo.InvariantCulture));
            texts.Add(Math.Round(rng.NextDouble() * 10, rng.Next(0, 9)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var json = Encoding.UTF8.GetBytes("[" + string.Join(",", texts) + "]");
        var reader = new Utf8JsonReader(json);
        reader.Read();
        var at = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.Number)
        {
            Assert.True(PythonJson.TryReadNumber(ref reader, null, out var v));
            var expected = reader.TryGetDouble(out var d) ? d : texts[at].StartsWith('-') ? double.NegativeInfinity : double.PositiveInfinity;
            Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(v), $"{texts[at]}: {v:R} != {expected:R}");
            at++;
        }

        Assert.Equal(texts.Count, at);
    }

    [Fact]
    public void A_tree_reads_the_non_finite_literals_as_numbers_and_leaves_strings_alone()
    {
        var o = Assert.IsType<JsonObject>(PythonJson.Parse(PythonDump, out var damage));

        Assert.Null(damage);
        Assert.True(PythonJson.TryGetNumber(o["a"], out var a) && double.IsNaN(a));
        Assert.True(PythonJson.TryGetNumber(o["b"], out var b) && double.IsPositiveInfinity(b));
        Assert.True(PythonJson.TryGetNumber(o["c"], out var c) && double.IsNegativeInfinity(c));
        Assert.Equal("NaN", o["s"]!.GetValue<string>()); // a string stays a string in the tree...
        Assert.True(PythonJson.TryGetNumber(o["s"], out var s) && double.IsNaN(s)); // ...and reads as the number where one is wanted
        Assert.True(PythonJson.TryGetNumber(o["big"], out var big) && big == Math.Pow(2, 64));
    }

    [Fact]
    public void A_stream_reads_the_same_values_at_the_same_offsets()
    {
        var bytes = Encoding.UTF8.GetBytes(PythonDump);
        var literals = PythonJson.RewriteNonFiniteLiterals(bytes);
        var reader = new Utf8JsonReader(bytes, PythonJson.ReaderOptions);
        var values = new List<double>();
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.Number or JsonTokenType.String && PythonJson.TryReadNumber(ref reader, literals, out var v))
            {
                values.Add(v);
            }
        }

        Assert.Equal(4, values.Count); // "NaN" the string is not a literal
        Assert.True(double.IsNaN(values[0]));
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity, Math.Pow(2, 64)], values[1..]);
        Assert.Equal(PythonDump.Length, bytes.Length);
    }

    [Fact]
    public void Integers_keep_every_digit_that_a_long_holds()
    {
        var o = Assert.IsType<JsonObject>(PythonJson.Parse("""{"seed": 9007199254740993}""", out _));
        Assert.Equal(9007199254740993L, o["seed"]!.GetValue<long>());
        Assert.Equal("9007199254740993", ConfigFlattener.Value(o["seed"]).Text);
    }

    [Fact]
    public void A_damaged_document_keeps_what_came_before_and_names_offset_and_line()
    {
        var root = PythonJson.Parse("{\"lr\": 0.1,\n \"model\": {\"layers\": 2, \"dims\": [1, 2,\n", out var damage);

        var o = Assert.IsType<JsonObject>(root);
        Assert.NotNull(damage);
        Assert.Equal(0.1, o["lr"]!.GetValue<double>());
        Assert.Equal(2, o["model"]!["layers"]!.GetValue<long>());
        Assert.Equal(2, o["model"]!["dims"]!.AsArray().Count);
        Assert.Equal(3, damage.Line);
        Assert.StartsWith("offset ", damage.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void A_byte_order_mark_before_the_document_is_not_damage()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{\"a\": NaN}")];
        var o = Assert.IsType<JsonObject>(PythonJson.Parse(bytes, out var damage));

        Assert.Null(damage);
        Assert.True(PythonJson.TryGetNumber(o["a"], out var a) && double.IsNaN(a));
        Assert.Equal(3, PythonJson.BomLength(bytes));
    }

    [Fact]
    public void Nothing_readable_gives_no_tree_and_says_why()
    {
        Assert.Null(PythonJson.Parse("", out var empty));
        Assert.NotNull(empty);
        Assert.Null(PythonJson.Parse("}", out var junk));
        Assert.NotNull(junk);
    }

    [Fact]
    public void An_unpaired_surrogate_that_json_dumps_escapes_is_kept_as_written_not_damage()
    {
        // json.dumps({"name\ud800": "x\udc00"}) in Python writes the lone surrogates as \u escapes
        var o = Assert.IsType<JsonObject>(PythonJson.Parse("""{"name\ud800": "x\udc00", "ok": 1}""", out var damage));

        Assert.Null(damage);
        Assert.Equal("x\\udc00", o["name\\ud800"]!.GetValue<string>());
        Assert.Equal(1, o["ok"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("0.5", 0.5)]
    [InlineData("-3", -3.0)]
    [InlineData("1e-05", 1e-05)]
    [InlineData("NaN", double.NaN)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    public void A_scalar_value_text_reads_without_a_tree(string json, double expected)
    {
        Assert.True(PythonJson.TryParseNumber(json, out var v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("\"0.5\"")]
    [InlineData("true")]
    [InlineData("[1]")]
    [InlineData("nan")]
    public void Other_value_texts_are_not_numbers(string json) => Assert.False(PythonJson.TryParseNumber(json, out _));
}
