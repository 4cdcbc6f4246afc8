//! Arrow between Polars and DuckDB: zero-copy hand-over of columns through the Arrow C data interface.
//!
//! Polars uses its own Arrow implementation (polars-arrow), DuckDB's Rust crate uses arrow-rs. Both implement the
//! same C data interface, whose two structs have one layout by specification; we move ownership of the buffers
//! across by moving those structs, so no value is copied or reformatted on the way.

use std::sync::Arc;

use arrow::array::{ArrayRef, make_array};
use arrow::datatypes::{Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use polars::prelude::{CompatLevel, DataFrame, Series};
use polars_arrow::ffi as pffi;

use crate::error::{Error, Result};

// The two crates' C-interface structs must be the same size for the moves below to be sound.
const _: () = assert!(size_of::<pffi::ArrowArray>() == size_of::<arrow::ffi::FFI_ArrowArray>());
const _: () = assert!(size_of::<pffi::ArrowSchema>() == size_of::<arrow::ffi::FFI_ArrowSchema>());

/// Converts a Polars frame into arrow-rs record batches (one per chunk).
pub fn df_to_batches(df: &mut DataFrame) -> Result<Vec<RecordBatch>> {
    df.align_chunks();
    let mut fields: Option<SchemaRef> = None;
    let mut out = Vec::new();
    for batch in df.iter_chunks(CompatLevel::newest(), false) {
        let (schema, arrays) = batch.into_schema_and_arrays();
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(arrays.len());
        for (field, array) in schema.iter_values().zip(arrays) {
            let c_schema = pffi::export_field_to_c(field);
            let c_array = pffi::export_array_to_c(array);
            // SAFETY: both are the Arrow C data interface structs (#[repr(C)], same layout, asserted above);
            // ownership of the release callbacks moves with the structs.
            let (c_array, c_schema) = unsafe {
                (
                    std::mem::transmute::<pffi::ArrowArray, arrow::ffi::FFI_ArrowArray>(c_array),
                    std::mem::transmute::<pffi::ArrowSchema, arrow::ffi::FFI_ArrowSchema>(c_schema),
                )
            };
            // SAFETY: the structs were just produced by a conforming exporter.
            let data = unsafe { arrow::ffi::from_ffi(c_array, &c_schema) }?;
            columns.push(make_array(data));
        }
        let schema = fields.get_or_insert_with(|| {
            Arc::new(Schema::new(
                df.columns()
                    .iter()
                    .zip(&columns)
                    .map(|(c, a)| Field::new(c.name().as_str(), a.data_type().clone(), true))
                    .collect::<Vec<_>>(),
            ))
        });
        out.push(RecordBatch::try_new(schema.clone(), columns)?);
    }
    Ok(out)
}

/// The arrow-rs schema of a Polars frame (also of one without rows).
pub fn arrow_schema(df: &DataFrame) -> Result<SchemaRef> {
    let mut fields = Vec::with_capacity(df.width());
    for column in df.columns() {
        let pfield = column.field().to_arrow(CompatLevel::newest());
        let c_schema = pffi::export_field_to_c(&pfield);
        // SAFETY: same layout (asserted above); the schema was produced by polars-arrow's exporter.
        let c_schema = unsafe { std::mem::transmute::<pffi::ArrowSchema, arrow::ffi::FFI_ArrowSchema>(c_schema) };
        let field = Field::try_from(&c_schema)?;
        fields.push(Field::new(column.name().as_str(), field.data_type().clone(), true));
    }
    Ok(Arc::new(Schema::new(fields)))
}

/// Moves an arrow-rs schema field into polars-arrow's type system (through its C schema).
fn polars_field(field: &Field) -> Result<polars_arrow::datatypes::Field> {
    let c_schema = arrow::ffi::FFI_ArrowSchema::try_from(field)?;
    // SAFETY: same layout (asserted above); the schema was produced by arrow-rs's exporter.
    let c_schema = unsafe { std::mem::transmute::<arrow::ffi::FFI_ArrowSchema, pffi::ArrowSchema>(c_schema) };
    Ok(unsafe { pffi::import_field_from_c(&c_schema) }?)
}

/// Converts arrow-rs record batches into one Polars frame (zero rows when there are no batches).
pub fn batches_to_df(schema: &SchemaRef, batches: &[RecordBatch]) -> Result<DataFrame> {
    let mut columns = Vec::with_capacity(schema.fields().len());
    for (i, field) in schema.fields().iter().enumerate() {
        let pfield = polars_field(field)?;
        let mut chunks = Vec::with_capacity(batches.len());
        for batch in batches {
            let c_array = arrow::ffi::FFI_ArrowArray::new(&batch.column(i).to_data());
            // SAFETY: as in `df_to_batches`, in the other direction; the array matches `field`.
            let c_array = unsafe { std::mem::transmute::<arrow::ffi::FFI_ArrowArray, pffi::ArrowArray>(c_array) };
            chunks.push(unsafe { pffi::import_array_from_c(c_array, pfield.dtype.clone()) }?);
        }
        let name = field.name().as_str().into();
        let series = if chunks.is_empty() {
            Series::new_empty(name, &polars::prelude::DataType::from_arrow_field(&pfield))
        } else {
            Series::from_arrow_chunks(name, chunks)?
        };
        columns.push(series.into());
    }
    DataFrame::new_infer_height(columns).map_err(Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    #[test]
    fn frames_survive_the_round_trip() {
        let mut df = df![
            "county_code" => ["140581", "140502"],
            "students" => [Some(12i64), None],
            "area" => [1.5f64, 2.25],
        ]
        .unwrap();
        let batches = df_to_batches(&mut df).unwrap();
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 2);
        let back = batches_to_df(&batches[0].schema(), &batches).unwrap();
        assert_eq!(back.shape(), df.shape());
        for (a, b) in back.columns().iter().zip(df.columns()) {
            assert!(a.equals_missing(b), "{a:?} != {b:?}");
        }
    }

    #[test]
    fn an_empty_frame_has_an_arrow_schema() {
        let df = df!["county_code" => Vec::<String>::new(), "cv" => Vec::<f64>::new()].unwrap();
        let schema = arrow_schema(&df).unwrap();
        assert_eq!(schema.fields().len(), 2);
        assert_eq!(schema.field(1).data_type(), &arrow::datatypes::DataType::Float64);
    }

    #[test]
    fn an_empty_result_keeps_its_columns() {
        let schema = Arc::new(arrow::datatypes::Schema::new(vec![arrow::datatypes::Field::new("x", arrow::datatypes::DataType::Float64, true)]));
        let df = batches_to_df(&schema, &[]).unwrap();
        assert_eq!(df.width(), 1);
        assert_eq!(df.height(), 0);
    }
}
