using Runlens.Model;

namespace Runlens.Tests.Import.Tail;

/// <summary>Checks that a tailed log's snapshot is the run the importer gives for the same bytes.</summary>
internal static class TailAssert
{
    /// <summary>Identity, status, global step, config, every series point by point (NaN equals NaN) and every event.</summary>
    public static void SameRun(Run expected, Run actual)
    {
        Assert.Equal(expected.Identity, actual.Identity);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.Trainer.GlobalStep, actual.Trainer.GlobalStep);
        Assert.Equal(expected.Config.Values.ToArray(), actual.Config.Values.ToArray());
        Assert.Equal(expected.Series.Keys, actual.Series.Keys);
        foreach (var (key, series) in expected.Series)
        {
            Assert.Equal(series.OriginalName, actual.Series[key].OriginalName);
            Assert.Equal(series.Points.ToArray(), actual.Series[key].Points.ToArray());
        }

        Assert.Equal(expected.Events.Select(e => (e.Kind, e.Message, e.Location)), actual.Events.Select(e => (e.Kind, e.Message, e.Location)));
    }
}
