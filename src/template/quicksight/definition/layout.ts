/**
 * Sheets laid out in rows on QuickSight's 36-column grid: a row is a height and a list of visuals
 * with their widths, placed left to right. Positions are computed, so visuals never overlap and a
 * row never runs past the grid (the builder throws, and the tests hold the result to it).
 */
import type { FilterControl, GridLayoutElement, SheetDefinition, Visual } from '@aws-sdk/client-quicksight';

export const GRID_COLUMNS = 36;

/** The id of any visual, whatever its type. */
export function visualId(visual: Visual): string {
  const inner = Object.values(visual).find((v): v is { VisualId: string } => typeof v === 'object' && v !== null && 'VisualId' in v);
  if (!inner) throw new Error('visual without an id');
  return inner.VisualId;
}

export interface SheetSpec {
  id: string;
  name: string;
  description: string;
}

export class SheetBuilder {
  private readonly visuals: Visual[] = [];
  private readonly elements: GridLayoutElement[] = [];
  private nextRow = 0;

  constructor(readonly spec: SheetSpec) {}

  /** Adds a row `height` grid rows tall; widths must add up to at most 36 columns. */
  row(height: number, items: Array<[Visual, number]>): this {
    let col = 0;
    for (const [visual, width] of items) {
      if (col + width > GRID_COLUMNS) throw new Error(`sheet ${this.spec.id}: row ${this.nextRow} is wider than ${GRID_COLUMNS} columns`);
      this.visuals.push(visual);
      this.elements.push({
        ElementId: visualId(visual),
        ElementType: 'VISUAL',
        ColumnIndex: col,
        ColumnSpan: width,
        RowIndex: this.nextRow,
        RowSpan: height,
      });
      col += width;
    }
    this.nextRow += height;
    return this;
  }

  visualIds(): string[] {
    return this.visuals.map(visualId);
  }

  build(controls: FilterControl[]): SheetDefinition {
    return {
      SheetId: this.spec.id,
      Name: this.spec.name,
      Title: this.spec.name,
      Description: this.spec.description,
      ContentType: 'INTERACTIVE',
      Visuals: this.visuals,
      FilterControls: controls,
      Layouts: [
        {
          Configuration: {
            GridLayout: {
              Elements: this.elements,
              CanvasSizeOptions: { ScreenCanvasSizeOptions: { ResizeOption: 'RESPONSIVE' } },
            },
          },
        },
      ],
    };
  }
}
