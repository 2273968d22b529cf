"""PDF plumbing shared by the renderer and the checks: the structure-tree walker, the raw writer, the
object copier, document information and XMP, and the print-file marker. Nothing here renders or checks:
it reads and writes PDF objects."""
