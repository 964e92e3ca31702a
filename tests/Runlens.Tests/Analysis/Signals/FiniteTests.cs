using Runlens.Analysis.Signals;

namespace Runlens.Tests.Analysis.Signals;

/// <summary>The arithmetic finiteness check the rules' loops use says what <see cref="double.IsFinite"/> says.</summary>
public sealed class FiniteTests
{
    [Fact]
    public void Agrees_with_double_IsFinite_on_every_kind_of_double()
    {
        double[] special =
        [
            0.0, -0.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, double.NaN, -double.NaN,
            double.PositiveInfinity, double.NegativeInfinity, BitConverter.Int64BitsToDouble(0x7FF0000000000001),
            BitConverter.Int64BitsToDouble(0x7FFFFFFFFFFFFFFF), BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8000000000001)),
            2.2250738585072014E-308, 2.2250738585072009E-308, 1.0, -1e300,
        ];
        var random = new Random(3);
        var values = special.Concat(Enumerable.Range(0, 100_000).Select(_ => BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue))));
        foreach (var v in values)
        {
            Assert.True(double.IsFinite(v) == Finite.Is(v), $"{BitConverter.DoubleToInt64Bits(v):X16}");
        }
    }
}
