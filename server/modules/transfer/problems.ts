/**
 * The stable codes of the reasons an import gives for a row (each row error carries one beside its
 * English `reason`, with the numbers and values the reason names in `params`). A page words a code
 * in its language (web/src/transfer/problems.ts); a unit test checks that it has a wording in
 * Chinese and English for every code listed here, so a new reason must be added here first.
 */
export const IMPORT_PROBLEM_CODES = [
  // Values of a cell (fields.ts)
  'required', 'not_a_number', 'number_too_long', 'not_whole', 'not_positive', 'below_min', 'above_max', 'too_long',
  'not_a_date', 'not_a_real_date', 'year_out_of_range', 'not_a_time', 'not_yes_no', 'not_one_of', 'not_json',
  // The row as a whole (readers, import.ts)
  'field_count', 'not_a_feature', 'shape_unreadable', 'duplicate_key', 'duplicate_key_apart', 'same_record_invalid', 'database_refused',
  // Location and geometry (import.ts, geometry.ts)
  'lon_required_with_lat', 'lat_required_with_lon', 'lat_lon_swapped', 'not_a_position', 'outside_extent',
  'geometry_missing', 'geometry_unreadable', 'geometry_not_object', 'geometry_malformed', 'geometry_type_unsupported', 'geometry_not_point',
  'geometry_lat_lon_swapped', 'geometry_not_lon_lat', 'geometry_outside_extent',
  'polygon_invalid', 'polygon_repair_empty', 'polygon_repair_too_large',
  // Enterprises
  'uscc_not_string', 'uscc_length', 'uscc_character', 'uscc_check_character', 'uscc_or_external_id_required', 'external_id_taken',
  'division_code_format', 'division_unknown', 'division_unknown_or_empty', 'address_ambiguous', 'address_unknown',
  'location_or_address_required', 'location_required', 'point_in_no_division', 'grid_unknown', 'date_before',
  // Sources: assessments, major hazards, hidden dangers
  'assessment_missing', 'required_for_method', 'lec_not_in_set', 'matrix_out_of_range', 'enterprise_unknown', 'enterprise_unknown_external_id',
  'required_for_status', 'verifier_is_reporter', 'substance_incomplete', 'substances_not_list', 'required_with_substance',
  'installation_needs_substance', 'not_major_hazard', 'hazard_class_unknown', 'beta_invalid', 'quantity_invalid',
  'critical_quantity_invalid', 'population_invalid', 'substance_required',
  // Areas, divisions, grids
  'corridor_buffer_required', 'not_a_line', 'line_not_lon_lat', 'corridor_line_required', 'area_not_line', 'buffer_corridor_only',
  'area_geometry_type', 'polygon_type', 'parent_code_format', 'parent_unknown', 'grid_in_no_division', 'division_name_unknown', 'division_name_ambiguous',
  // Resources
  'items_not_list', 'item_not_triple', 'resource_field_required', 'resource_field_not_applicable', 'capability_unknown',
  'capability_repeated', 'team_needs_capability', 'expert_needs_contact', 'depot_needs_items', 'depot_item_repeated',
  // Roads
  'road_not_line', 'road_class_required', 'road_class_unknown', 'road_speed_not_number', 'road_speed_not_positive',
  'road_speed_too_high', 'road_oneway_not_boolean', 'road_oneway_unknown',
] as const

export type ProblemCode = (typeof IMPORT_PROBLEM_CODES)[number]

/**
 * What a reason names, by name: numbers and limits, and values as the file wrote them (`text`,
 * `key`, `detail` for a parser's or the database's own words), which a page shows as written.
 */
export type ProblemParams = Record<string, string | number | string[]>

/**
 * The codes of the problems that refuse a whole file (error `invalid_file`, or `payload_too_large`):
 * each one's first detail carries one with its `params`, for the upload page's error banner.
 */
export const FILE_PROBLEM_CODES = [
  'file_empty', 'file_too_large', 'no_data_rows', 'column_missing', 'header_duplicate',
  'encoding_unknown', 'not_text', 'encoding_mixed', 'utf8_truncated', 'utf16', 'csv_syntax',
  'xls_old', 'xlsx_not_workbook', 'xlsx_no_sheet', 'xlsx_damaged',
  'geojson_invalid', 'geojson_not_collection', 'geojson_no_features', 'geojson_crs_late',
  'shp_not_zipped', 'not_zip', 'is_zip', 'zip_unreadable', 'zip_entry_missing', 'zip_no_shp', 'zip_many_shp', 'shp_no_dbf',
  'shapefile_damaged', 'shape_type_unsupported', 'shapefile_no_records',
  'osm_xml', 'not_osm_pbf', 'is_osm_pbf', 'osm_unreadable', 'osm_no_roads', 'osm_not_roads_kind',
  'crs_value', 'crs_unsupported', 'crs_needs_datum', 'crs_unusable',
  'mapping_column_unknown', 'mapping_field_unknown', 'mapping_same_field',
] as const

export type FileProblemCode = (typeof FILE_PROBLEM_CODES)[number]
