namespace Runlens.Server.Native;

/// <summary>
/// One whole-series answer's turn among the few that may read the store and write out points at the same time. The
/// answer gives its turn back while it waits for a client to take what was written (a client that stops reading then
/// holds no turn, only the page it was sent) and takes a turn again before it reads on.
/// </summary>
internal sealed class SeriesTurn(SemaphoreSlim turns)
{
    private bool _held;

    public async Task TakeAsync(CancellationToken cancellationToken)
    {
        if (!_held)
        {
            await turns.WaitAsync(cancellationToken).ConfigureAwait(false);
            _held = true;
        }
    }

    public void Give()
    {
        if (_held)
        {
            _held = false;
            turns.Release();
        }
    }
}
