using System.Runtime;
using Runlens.Cli.Commands;
using Runlens.Tests.Support;

namespace Runlens.Tests.Cli;

public sealed class QuietCollectorTests
{
    [Fact]
    public void A_large_file_gets_a_region_without_collections_that_ends_after_it_and_a_small_one_none()
    {
        using var tmp = new TempDir();
        var large = Path.Combine(tmp.Path, "large.csv");
        using (var f = File.Create(large))
        {
            f.SetLength(17L << 20); // sparse: only the length matters
        }

        var small = Path.Combine(tmp.Path, "small.csv");
        File.WriteAllText(small, "label,predicted\na,a\n");
        Assert.False(QuietCollector.Begin(small));
        Assert.False(QuietCollector.Begin(Path.Combine(tmp.Path, "missing.csv")));
        var started = QuietCollector.Begin(large);
        try
        {
            Assert.True(started);
            Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        }
        finally
        {
            QuietCollector.End(started);
        }

        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        QuietCollector.End(started); // a second end (or one after a collection ended the region) does nothing
    }
}
